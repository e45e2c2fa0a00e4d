// The per-task table of a gpiqa report: rows come from the inline JSON (#gpiqa-tasks, report/task_table.py),
// one page of them at a time in the DOM; headers sort, the row under them filters, a row opens to show the
// commands for its task. window.gpiqaTasks is the table's interface (the self-test uses it).
(function () {
  "use strict";
  var PAGE_ROWS = 50;
  var FEW = 16;  // a column whose filter is "few" offers a choice list when it has at most this many values
  var data = JSON.parse(document.getElementById("gpiqa-tasks").textContent);
  var n = data.n, columns = data.columns;
  var table = document.getElementById("task-table");
  var state = { sortKey: "task_id", sortDir: 1, page: 0, filters: {}, open: {}, rows: [] };

  // Each row's reason: its kind with the row's numbers put back for the '#'s (report/task_table.py, reason_text).
  var reasons = data.data.reason.map(function (code, i) {
    var kind = data.values.reason[code], numbers = data.data.reason_numbers[i];
    if (!numbers) return kind;
    var parts = kind.split("#"), values = numbers.split(" "), text = parts[0];
    for (var k = 1; k < parts.length; k++) text += values[k - 1] + parts[k];
    return text;
  });

  function cell(key, i) { return data.data[key][i]; }
  function shown(column, i) {
    if (column.key === "reason") return reasons[i];
    var v = cell(column.key, i);
    if (column.type === "cat") return data.values[column.key][v];
    return v === null ? "" : String(v);
  }
  function distinct(key) {
    var seen = {}, out = [];
    data.data[key].forEach(function (v) { if (!(v in seen)) { seen[v] = 1; out.push(v); } });
    return out.sort(function (a, b) { return (a === null) - (b === null) || a - b; });
  }

  // A number filter: "300", "=300", ">2.5", "<=10", "1-10", "1..10", "1,3,5", "none" (no value); null when the
  // text is not one of these.
  function numberTest(text) {
    var t = text.trim().toLowerCase();
    if (t === "") return function () { return true; };
    if (t === "none" || t === "-") return function (v) { return v === null; };
    var parts = t.split(",");
    var tests = parts.map(function (p) {
      p = p.trim();
      var m = /^(>=|<=|>|<|=)?\s*(-?\d*\.?\d+(?:e[-+]?\d+)?)$/.exec(p);
      if (m) {
        var x = parseFloat(m[2]), op = m[1] || "=";
        return function (v) {
          if (v === null) return false;
          return op === "=" ? v === x : op === ">" ? v > x : op === "<" ? v < x : op === ">=" ? v >= x : v <= x;
        };
      }
      m = /^(-?\d*\.?\d+)\s*(?:-|\.\.|to)\s*(-?\d*\.?\d+)$/.exec(p);
      if (m) {
        var lo = parseFloat(m[1]), hi = parseFloat(m[2]);
        return function (v) { return v !== null && v >= lo && v <= hi; };
      }
      return null;
    });
    if (tests.some(function (f) { return f === null; })) return null;
    return function (v) { return tests.some(function (f) { return f(v); }); };
  }

  // The test of one column's filter control, or null when it lets every row through.
  function columnTest(column, value) {
    if (value === undefined || value === "") return null;
    var values = data.data[column.key];
    if (value === "failures") {  // the status choice "any failure"
      var codes = data.failure_statuses.map(function (s) { return data.values.status.indexOf(s); });
      return function (i) { return codes.indexOf(values[i]) >= 0; };
    }
    if (column.control === "choice") {
      var want = column.type === "cat" ? parseInt(value, 10) : (value === "none" ? null : parseFloat(value));
      return function (i) { return values[i] === want; };
    }
    if (column.key === "reason") {  // text: part of the row's reason, any case
      var part = value.toLowerCase();
      return function (i) { return reasons[i].toLowerCase().indexOf(part) >= 0; };
    }
    if (column.type === "cat") {  // text: part of it, any case
      var needle = value.toLowerCase(), labels = data.values[column.key];
      var hit = labels.map(function (label) { return String(label).toLowerCase().indexOf(needle) >= 0; });
      return function (i) { return hit[values[i]]; };
    }
    var test = numberTest(value);
    column.invalid = test === null;
    return test === null ? null : function (i) { return test(values[i]); };
  }

  function apply() {
    var tests = [];
    columns.forEach(function (column) {
      var test = columnTest(column, state.filters[column.key]);
      if (test) tests.push(test);
    });
    var rows = [];
    for (var i = 0; i < n; i++) {
      var keep = true;
      for (var k = 0; k < tests.length && keep; k++) keep = tests[k](i);  /* filter */
      if (keep) rows.push(i);
    }
    var values = data.data[state.sortKey], dir = state.sortDir;
    rows.sort(function (a, b) {
      var x = values[a], y = values[b];
      if (x === y) return a - b;
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    state.rows = rows;
    var pages = Math.max(1, Math.ceil(rows.length / PAGE_ROWS));
    state.page = Math.min(state.page, pages - 1);
    render();
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (a) { e.setAttribute(a, attrs[a]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function header() {
    var thead = table.tHead, names = el("tr"), filters = el("tr", { "class": "filters" });
    columns.forEach(function (column) {
      var th = el("th", { "class": "sortable", "data-sort": column.key }, column.label);
      th.addEventListener("click", function () {
        state.sortDir = state.sortKey === column.key ? -state.sortDir : 1;
        state.sortKey = column.key;
        apply();
      });
      names.appendChild(th);
      var values = column.type === "cat" ? data.values[column.key] : distinct(column.key);
      var control;
      if (column.filter === "choice" || (column.filter === "few" && values.length <= FEW)) {
        column.control = "choice";
        control = el("select", { "data-filter": column.key, "aria-label": "filter " + column.label });
        control.appendChild(el("option", { value: "" }, "all"));
        if (column.key === "status") control.appendChild(el("option", { value: "failures" }, "any failure"));
        values.forEach(function (v, code) {
          var value = column.type === "cat" ? String(code) : v === null ? "none" : String(v);
          control.appendChild(el("option", { value: value }, column.type === "cat" ? (v === "" ? "(none)" : v)
                                                                                  : v === null ? "none" : String(v)));
        });
        control.addEventListener("change", function () { setFilter(column.key, control.value); });
      } else {
        column.control = "text";
        control = el("input", { type: "text", "data-filter": column.key, "aria-label": "filter " + column.label,
                                placeholder: column.type === "cat" ? "contains" : ">0, 1-5" });
        control.addEventListener("input", function () { setFilter(column.key, control.value); });
      }
      var th2 = el("th");
      th2.appendChild(control);
      filters.appendChild(th2);
    });
    names.appendChild(el("th", {}, "commands"));
    filters.appendChild(el("th"));
    thead.appendChild(names);
    thead.appendChild(filters);
  }

  function frameCode(i) { return typeof data.frames === "number" ? data.frames : data.frames[i]; }

  // A row's replay text: the template with the row's entries and numbers (report/replay.py, replay_yaml).
  function fill(text, i) {
    var r = data.replay;
    return text.split("{molecule}").join(r.molecules[cell("molecule", i)])
               .split("{model}").join(r.models[cell("model", i)])
               .split("{start}").join(r.starts[cell("start", i)])
               .split("{T}").join(String(cell("temperature_K", i)))
               .split("{seed}").join(String(cell("seed", i)))
               .split("{id}").join(String(cell("task_id", i)));
  }

  function detail(i) {
    var id = cell("task_id", i), tr = el("tr", { "class": "detail" }), td = el("td", { colspan: columns.length + 1 });
    var code = frameCode(i);
    var p = el("p");
    p.appendChild(el("b", {}, "export: "));
    if (code === 0) {
      p.appendChild(el("code", {}, data.export.split("{id}").join(id)));
      p.appendChild(document.createTextNode(" (for MDAnalysis: "));
      p.appendChild(el("code", {}, data.export_h5md.split("{id}").join(id)));
      p.appendChild(document.createTextNode(")"));
    } else {
      p.appendChild(document.createTextNode(data.no_frames[code]));
    }
    td.appendChild(p);
    var replay = data.replay, q = el("p");
    q.appendChild(el("b", {}, "replay: "));
    if (replay.possible) {
      q.appendChild(document.createTextNode("bit for bit, with frames: save this as replay-task" + id + ".yaml" +
        (replay.beside_campaign ? " beside the campaign's YAML (its paths are relative to it)" : "") +
        ", then run "));
      q.appendChild(el("code", {}, fill(replay.run, i)));
      q.appendChild(document.createTextNode(" and "));
      q.appendChild(el("code", {}, fill(replay.export, i)));
      td.appendChild(q);
      td.appendChild(el("pre", { "class": "replay" }, fill(replay.template, i)));
      td.appendChild(el("p", {}, "(" + data.md_note + ".)"));
    } else {
      q.appendChild(document.createTextNode("not possible: " + replay.why + "; and " + data.md_note + "."));
      td.appendChild(q);
    }
    tr.appendChild(td);
    return tr;
  }

  function render() {
    var body = table.tBodies[0];
    while (body.firstChild) body.removeChild(body.firstChild);
    var first = state.page * PAGE_ROWS, rows = state.rows.slice(first, first + PAGE_ROWS);
    rows.forEach(function (i) {
      var tr = el("tr", { "class": "task", "data-row": i });
      columns.forEach(function (column) {
        var text = shown(column, i), td = el("td", { "class": (column.type === "num" ? "num " : "") + column.key,
                                                    "data-key": column.key }, text);
        if (column.key === "status") td.className += " status-" + text;
        tr.appendChild(td);
      });
      var button = el("button", { type: "button", "class": "open" }, state.open[i] ? "hide" : "commands");
      button.addEventListener("click", function () { state.open[i] = !state.open[i]; render(); });
      var td = el("td");
      td.appendChild(button);
      tr.appendChild(td);
      body.appendChild(tr);
      if (state.open[i]) body.appendChild(detail(i));
    });
    var count = document.getElementById("tasks-count");
    count.textContent = state.rows.length === 0 ? "no task matches" :
      "tasks " + (first + 1) + "-" + (first + rows.length) + " of " + state.rows.length + " matching (" + n + " in all)";
    count.setAttribute("data-matching", state.rows.length);
    count.setAttribute("data-total", n);
    count.setAttribute("data-shown", rows.length);
    var pages = Math.max(1, Math.ceil(state.rows.length / PAGE_ROWS));
    document.getElementById("tasks-page").textContent = "page " + (state.page + 1) + " of " + pages;
    table.querySelectorAll("th.sortable").forEach(function (th) {
      th.classList.toggle("sorted-asc", th.getAttribute("data-sort") === state.sortKey && state.sortDir > 0);
      th.classList.toggle("sorted-desc", th.getAttribute("data-sort") === state.sortKey && state.sortDir < 0);
    });
    columns.forEach(function (column) {
      var control = table.querySelector('[data-filter="' + column.key + '"]');
      if (control && control.tagName === "INPUT") control.classList.toggle("invalid", !!column.invalid);
    });
  }

  function setFilter(key, value) {
    state.filters[key] = value;
    state.page = 0;
    apply();
  }

  header();
  document.getElementById("tasks-prev").addEventListener("click", function () {
    if (state.page > 0) { state.page--; render(); }
  });
  document.getElementById("tasks-next").addEventListener("click", function () {
    if ((state.page + 1) * PAGE_ROWS < state.rows.length) { state.page++; render(); }
  });
  document.getElementById("tasks-clear").addEventListener("click", function () {
    state.filters = {};
    table.querySelectorAll("[data-filter]").forEach(function (c) { c.value = ""; });
    state.page = 0;
    apply();
  });
  apply();
  window.gpiqaTasks = {
    pageRows: PAGE_ROWS, data: data,
    matching: function () { return state.rows.length; },
    sortKey: function () { return state.sortKey; }
  };
})();
