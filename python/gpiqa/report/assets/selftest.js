// The page's self-test, run after loading when the page is opened as index.html#selftest (the browser check
// of gpiqa's test suite: chromium --headless --dump-dom). It fails on: any recorded error (window.gpiqaErrors:
// script errors, failed resources, console.error); a figure of the manifest that is missing, does not decode
// or is blank (fewer than MIN_INK of its pixels differ from its background); a task table that does not show
// the file's tasks, or whose filter, set through its own controls, does not narrow the rows to exactly the
// matching ones, or whose sort does not order them, or whose replay campaign of a row differs from the one the
// report wrote for it. The verdict goes into <pre id="gpiqa-selftest">.
(function () {
  "use strict";
  var MIN_INK = 0.005;

  function figureProblems(key) {
    var fig = document.getElementById("fig-" + key);
    if (!fig) return "figure " + key + ": missing";
    var img = fig.querySelector("img");
    if (!img) return "figure " + key + ": has no image";
    if (!img.complete || img.naturalWidth === 0 || img.naturalHeight === 0) return "figure " + key + ": does not decode";
    var w = Math.min(img.naturalWidth, 400), h = Math.max(1, Math.round(img.naturalHeight * w / img.naturalWidth));
    var canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    var g = canvas.getContext("2d");
    g.drawImage(img, 0, 0, w, h);
    var px = g.getImageData(0, 0, w, h).data, ink = 0;
    for (var i = 0; i < px.length; i += 4) {
      if (Math.abs(px[i] - px[0]) + Math.abs(px[i + 1] - px[1]) + Math.abs(px[i + 2] - px[2]) +
          Math.abs(px[i + 3] - px[3]) > 48) ink++;
    }
    var share = ink / (w * h);
    return share < MIN_INK ? "figure " + key + ": blank (" + (100 * share).toFixed(2) + "% of its pixels drawn)" : null;
  }

  function shownRows() { return document.querySelectorAll("#task-table tbody tr.task"); }
  function count() { return parseInt(document.getElementById("tasks-count").getAttribute("data-matching"), 10); }

  // Narrows the table through one choice control and checks the rows shown; returns a problem or null.
  function filterProblem(tasks, report) {
    var data = tasks.data, n = data.n;
    var candidates = ["molecule", "model", "status", "temperature_K", "start"];
    for (var c = 0; c < candidates.length; c++) {
      var key = candidates[c], control = document.querySelector('#task-table [data-filter="' + key + '"]');
      if (!control || control.tagName !== "SELECT") continue;
      var column = data.data[key], tally = {};
      column.forEach(function (v) { tally[v] = (tally[v] || 0) + 1; });
      var values = Object.keys(tally);
      if (values.length < 2) continue;
      values.sort(function (a, b) { return tally[a] - tally[b]; });
      var pick = values[0];  // the rarest value: the strongest narrowing
      var option = pick === "null" ? "none" : pick;
      control.value = option;
      if (control.value !== option) return "task table: filter " + key + " has no choice " + option;
      control.dispatchEvent(new Event("change"));
      var expected = tally[pick], got = count(), rows = shownRows();
      report.filter = { column: key, value: data.values[key] ? data.values[key][pick] : pick, total: n,
                        expected: expected, matching: got, shown: rows.length };
      if (got !== expected) return "task table: filter " + key + " = " + report.filter.value + " leaves " + got +
                                   " of " + n + " rows, not the " + expected + " that match";
      var label = String(report.filter.value);
      for (var r = 0; r < rows.length; r++) {
        var td = rows[r].querySelector('td[data-key="' + key + '"]');
        if (!td || td.textContent !== label) return "task table: filter " + key + " shows a row with " + (td && td.textContent);
      }
      if (rows.length !== Math.min(expected, tasks.pageRows)) return "task table: shows " + rows.length + " rows";
      control.value = "";
      control.dispatchEvent(new Event("change"));
      if (count() !== n) return "task table: clearing the filter leaves " + count() + " of " + n + " rows";
      return null;
    }
    report.filter = "nothing to narrow: every choice column has one value";
    return n > 1 ? "task table: no column to filter by" : null;
  }

  function sortProblem(tasks, report) {
    var th = document.querySelector('#task-table th[data-sort="time_to_failure_ps"]');
    if (!th) return "task table: no time-to-failure column";
    th.click();
    var cells = Array.prototype.map.call(shownRows(), function (tr) {
      var text = tr.querySelector('td[data-key="time_to_failure_ps"]').textContent;
      return text === "" ? null : parseFloat(text);
    });
    report.sorted = cells.length;
    for (var i = 1; i < cells.length; i++) {
      if (cells[i - 1] === null && cells[i] !== null) return "task table: sort puts an empty time before a value";
      if (cells[i - 1] !== null && cells[i] !== null && cells[i] < cells[i - 1]) return "task table: sort is out of order";
    }
    document.querySelector('#task-table th[data-sort="task_id"]').click();
    return null;
  }

  // Opens the row the page's data fills in for comparison (replay_example) and checks its replay campaign.
  function replayProblem(tasks, report) {
    var example = tasks.data.replay_example;
    if (!example) { report.replay = tasks.data.replay.possible ? "no example" : "not possible"; return null; }
    var tr = document.querySelector('#task-table tbody tr.task[data-row="' + example.row + '"]');
    if (!tr) return "task table: row " + example.row + " is not on the first page";
    tr.querySelector("button.open").click();
    var pre = document.querySelector("#task-table tbody tr.detail pre.replay");
    var got = pre ? pre.textContent : null;
    tr = document.querySelector('#task-table tbody tr.task[data-row="' + example.row + '"]');
    tr.querySelector("button.open").click();
    report.replay = got === example.yaml ? "row " + example.row + " as the report wrote it" : "differs";
    return got === example.yaml ? null : "task table: row " + example.row + "'s replay campaign is not the report's";
  }

  function run() {
    var problems = [], report = {};
    try {
      var manifest = JSON.parse(document.getElementById("gpiqa-manifest").textContent);
      manifest.figures.forEach(function (key) {
        var p = figureProblems(key);
        if (p) problems.push(p);
      });
      report.figures = manifest.figures.length;
      var onPage = document.querySelectorAll("figure.gpiqa-figure").length;
      if (onPage !== manifest.figures.length) problems.push(onPage + " figures on the page, " + manifest.figures.length +
                                                            " in the manifest");
      var tasks = window.gpiqaTasks;
      if (!tasks) {
        problems.push("task table: its script did not run");
      } else {
        report.tasks = count();
        if (report.tasks !== manifest.tasks) problems.push("task table: " + report.tasks + " rows, the file has " +
                                                           manifest.tasks + " tasks");
        if (shownRows().length !== Math.min(manifest.tasks, tasks.pageRows)) problems.push("task table: " +
                                                                                          shownRows().length + " rows shown");
        [filterProblem(tasks, report), sortProblem(tasks, report), replayProblem(tasks, report)].forEach(function (p) { if (p) problems.push(p); });
      }
    } catch (e) {
      problems.push("self-test: " + e);
    }
    var errors = window.gpiqaErrors || ["no error hook"];
    var verdict = { status: problems.length || errors.length ? "fail" : "pass", problems: problems, errors: errors,
                    checked: report };
    var pre = document.createElement("pre");
    pre.id = "gpiqa-selftest";
    pre.setAttribute("data-status", verdict.status);
    pre.textContent = JSON.stringify(verdict);
    document.body.appendChild(pre);
  }

  if (location.hash === "#selftest") window.addEventListener("load", run);
})();
