#include "gpiqa/campaign/worker.hpp"

namespace gpiqa::campaign {

void work(Transport& transport, BundleRunner& runner, const std::vector<Task>& tasks,
          const std::function<bool()>& stop_requested) {
  bool told_to_stop = false;  // the coordinator's "stop now" holds for the rest of the run
  while (true) {
    transport.send(ToCoordinator{ToCoordinator::Kind::kRequest, transport.rank(), {}});
    const ToWorker reply = transport.wait();
    if (reply.kind != ToWorker::Kind::kBundle) break;
    std::vector<const Task*> members;
    for (std::int64_t id : reply.ids) members.push_back(&tasks.at(static_cast<std::size_t>(id)));
    // each member's result goes to the coordinator as soon as it ends
    runner.run_bundle(
        members,
        [&] {
          if (transport.stop_now()) told_to_stop = true;
          return !told_to_stop && !(stop_requested && stop_requested());
        },
        [&](const TaskResult& r) {
          transport.send(
              ToCoordinator{r.interrupted ? ToCoordinator::Kind::kInterrupted : ToCoordinator::Kind::kResult,
                            transport.rank(), r});
        });
  }
}

}  // namespace gpiqa::campaign
