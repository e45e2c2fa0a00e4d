#pragma once
// A worker rank of a campaign run: asks the coordinator for a bundle (campaign/transport.hpp), runs it
// (a BundleRunner: campaign/task_runner.hpp), sends each task's result the moment that task ends, and asks
// again, until the coordinator says there is no more work. A stop request of its own (stop_requested) or the
// coordinator's "stop now" checkpoints the running tasks and sends them as interrupted; from then on every
// bundle it is still given stops at its first poll, and it keeps asking until told to stop, so that the
// coordinator is never left waiting for it.
#include <functional>
#include <vector>

#include "gpiqa/campaign/task.hpp"
#include "gpiqa/campaign/task_runner.hpp"
#include "gpiqa/campaign/transport.hpp"

namespace gpiqa::campaign {

/// Runs until the coordinator's kStop. `tasks`: the campaign's, indexed by id.
void work(Transport& transport, BundleRunner& runner, const std::vector<Task>& tasks,
          const std::function<bool()>& stop_requested);

}  // namespace gpiqa::campaign
