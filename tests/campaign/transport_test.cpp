// The campaign's messages on the wire (campaign/transport.hpp): every kind survives its encoding, a task's
// outcome and frames bit for bit (a worker's result must equal what rank 0 would have computed itself, or a
// campaign's numbers would depend on its rank count), and text that is not a message is one clear error.
#include "gpiqa/campaign/transport.hpp"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "gpiqa/util/error.hpp"

namespace gpiqa::campaign {
namespace {

TEST(Transport, EveryMessageToAWorkerSurvivesItsEncoding) {
  const ToWorker bundle = decode_to_worker(encode(ToWorker{ToWorker::Kind::kBundle, {7, 3, 1ll << 40}}));
  EXPECT_EQ(bundle.kind, ToWorker::Kind::kBundle);
  EXPECT_EQ(bundle.ids, (std::vector<std::int64_t>{7, 3, 1ll << 40}));
  EXPECT_EQ(decode_to_worker(encode(ToWorker{ToWorker::Kind::kStop, {}})).kind, ToWorker::Kind::kStop);
  EXPECT_EQ(decode_to_worker(encode(ToWorker{ToWorker::Kind::kStopNow, {}})).kind, ToWorker::Kind::kStopNow);
}

TEST(Transport, AResultArrivesBitForBitWithItsFrames) {
  ToCoordinator m{ToCoordinator::Kind::kResult, 4, {}};
  TaskResult& r = m.result;
  r.row.task_id = 11;
  r.row.label = "not sent: the coordinator has it";
  r.row.outcome.status = stability::Status::kExploded;
  r.row.outcome.reason = "O1-H2 stretched by 0.51 A";
  r.row.outcome.time_to_failure_ps = 0.1 + 0.2;
  r.row.outcome.failure_step = 601;
  r.row.outcome.conserved_drift = -1e-300;
  r.row.outcome.max_force = std::numeric_limits<double>::infinity();
  r.row.rank = 4;
  r.row.host = "node7";
  r.steps_this_run = 601;
  r.frames.elements = {"O", "H", "H"};
  const md::Positions x = md::Positions::Constant(3, 3, 1.0 / 3.0);
  r.frames.append(0, 0.0, x, x, x, -76.1, 0.01, -76.09, 300.0);
  r.frames.append(600, 0.3, x * 7.0, x, md::Positions(3, 0), -75.0, 0.02, -76.08, 1e4);
  const ToCoordinator back = decode_to_coordinator(encode(m), 4);
  EXPECT_EQ(back.kind, ToCoordinator::Kind::kResult);
  EXPECT_EQ(back.from, 4);
  const TaskResult& b = back.result;
  EXPECT_EQ(b.row.task_id, 11);
  EXPECT_TRUE(b.row.label.empty());
  EXPECT_FALSE(b.interrupted);
  EXPECT_EQ(b.row.outcome.status, stability::Status::kExploded);
  EXPECT_EQ(b.row.outcome.reason, r.row.outcome.reason);
  EXPECT_EQ(b.row.outcome.time_to_failure_ps, 0.1 + 0.2);
  EXPECT_EQ(b.row.outcome.failure_step, 601);
  EXPECT_EQ(b.row.outcome.conserved_drift, -1e-300);
  EXPECT_EQ(b.row.outcome.max_force, std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(b.row.outcome.mean_temperature_K));
  EXPECT_EQ(b.row.rank, 4);
  EXPECT_EQ(b.row.host, "node7");
  EXPECT_EQ(b.steps_this_run, 601);
  EXPECT_EQ(b.frames.step, r.frames.step);
  EXPECT_EQ(b.frames.positions_angstrom, r.frames.positions_angstrom);
  EXPECT_EQ(b.frames.forces_kj_per_mol_angstrom.size(), r.frames.forces_kj_per_mol_angstrom.size());
  EXPECT_TRUE(std::isnan(b.frames.forces_kj_per_mol_angstrom.back())) << "forces a failed step never had";
  EXPECT_EQ(b.frames.conserved_hartree, r.frames.conserved_hartree);
}

TEST(Transport, RequestsInterruptionsAndLossesCarryWhatTheyNeed) {
  EXPECT_EQ(decode_to_coordinator(encode(ToCoordinator{ToCoordinator::Kind::kRequest, 2, {}}), 2).kind,
            ToCoordinator::Kind::kRequest);
  ToCoordinator interrupted{ToCoordinator::Kind::kInterrupted, 3, {}};
  interrupted.result.row.task_id = 5;
  interrupted.result.steps_this_run = 256;
  const ToCoordinator back = decode_to_coordinator(encode(interrupted), 3);
  EXPECT_EQ(back.kind, ToCoordinator::Kind::kInterrupted);
  EXPECT_TRUE(back.result.interrupted);
  EXPECT_EQ(back.result.row.task_id, 5);
  EXPECT_EQ(back.result.steps_this_run, 256);
  EXPECT_EQ(decode_to_coordinator(encode(ToCoordinator{ToCoordinator::Kind::kLost, 6, {}}), 6).from, 6);
  const ToCoordinator no_frames =
      decode_to_coordinator(encode(ToCoordinator{ToCoordinator::Kind::kResult, 1, {}}), 1);
  EXPECT_EQ(no_frames.result.frames.size(), 0u);
}

TEST(Transport, TextThatIsNoMessageIsOneClearError) {
  for (const char* text : {"", "not json", "[1, 2]", R"({"ids": [1]})", R"({"type": "dance"})",
                           R"({"type": "bundle", "ids": "all"})"})
    EXPECT_THROW(decode_to_worker(text), InputError) << text;
  for (const char* text : {R"({"type": "result"})", R"({"type": "result", "task_id": 1, "steps_this_run": 2,
                           "outcome": {"status": "wobbly"}, "rank": 1, "host": "h"})",
                           R"({"type": "interrupted", "task_id": "one", "steps_this_run": 0})"})
    EXPECT_THROW(decode_to_coordinator(text, 1), InputError) << text;
}

}  // namespace
}  // namespace gpiqa::campaign
