// The data-parallel process group (sqlrl_dist) over Gloo on loopback, its ranks as threads of this process: the
// collectives against sums worked out here, and each way of getting the rendezvous wrong, each within a short timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "test_harness.h"
#include "tiny_model.h"

using namespace sqlrl_test;

namespace {

constexpr int32_t kAllTargets = 127;

// A port nothing listens on now: bind port 0, read what the kernel gave, close.
int32_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  CHECK(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  socklen_t length = sizeof(address);
  CHECK(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(fd);
  return ntohs(address.sin_port);
}

sqlrl_dist_params params_for(int32_t rank, int32_t world, int32_t port, int64_t timeout_ms = 5000) {
  sqlrl_dist_params p;
  sqlrl_dist_params_init(&p);
  p.rank = rank;
  p.world_size = world;
  p.master_port = port;
  p.timeout_ms = timeout_ms;
  return p;
}

// What one rank's thread reports: the status and message of its create (and of its body, when it got that far).
struct RankOutcome {
  int32_t status = -1;
  std::string message;
};

// Runs `body` on each rank's thread after joining; a failed join is recorded and skips the body.
std::vector<RankOutcome> on_ranks(const std::vector<sqlrl_dist_params>& ranks,
                                  const std::function<void(int32_t rank, sqlrl_dist* dist)>& body) {
  std::vector<RankOutcome> outcomes(ranks.size());
  std::vector<std::thread> threads;
  std::vector<std::string> failures(ranks.size());
  for (size_t r = 0; r < ranks.size(); ++r) {
    threads.emplace_back([&, r] {
      sqlrl_dist* dist = nullptr;
      outcomes[r].status = sqlrl_dist_create(&ranks[r], &dist);
      outcomes[r].message = sqlrl_last_error();
      if (outcomes[r].status != SQLRL_OK) return;
      try {
        body(static_cast<int32_t>(r), dist);
      } catch (const std::exception& e) {
        failures[r] = e.what();
      }
      sqlrl_dist_free(dist);
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t r = 0; r < ranks.size(); ++r) CHECK_MSG(failures[r].empty(), "rank " << r << ": " << failures[r]);
  return outcomes;
}

std::vector<sqlrl_dist_params> group_of(int32_t world, int64_t bucket_bytes = 26214400) {
  int32_t port = free_port();
  std::vector<sqlrl_dist_params> ranks;
  for (int32_t r = 0; r < world; ++r) {
    ranks.push_back(params_for(r, world, port));
    ranks.back().bucket_bytes = bucket_bytes;
  }
  return ranks;
}

std::vector<float> random_values(size_t n, uint64_t seed) {
  std::vector<float> out(n);
  uint64_t x = seed;
  for (float& v : out) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    v = static_cast<float>(static_cast<int64_t>(x >> 40) % 2001 - 1000) / 1000.0f;
  }
  return out;
}

// Each rank's gradients are set to values of its own; after the all-reduce both hold scale * (sum over ranks).
void check_gradient_sum(int64_t bucket_bytes) {
  TinyModel first(TinySpec{}), second(TinySpec{});
  TinyModel* models[2] = {&first, &second};
  for (TinyModel* m : models) m->attach_lora(4, 8.0, kAllTargets);
  int32_t count = first.lora_count();
  std::vector<std::vector<float>> expected(count);
  for (int32_t i = 0; i < count; ++i) {
    size_t n = first.lora_read(i, SQLRL_LORA_GRAD).size();
    std::vector<float> a = random_values(n, 10 + i), b = random_values(n, 1000 + i);
    first.lora_write(i, SQLRL_LORA_GRAD, a);
    second.lora_write(i, SQLRL_LORA_GRAD, b);
    for (size_t k = 0; k < n; ++k) expected[i].push_back(0.5f * (a[k] + b[k]));
  }
  on_ranks(group_of(2, bucket_bytes), [&](int32_t rank, sqlrl_dist* dist) {
    CHECK_OK(sqlrl_dist_allreduce_lora_grads(dist, models[rank]->handle(), 0.5));
  });
  for (TinyModel* m : models) {
    for (int32_t i = 0; i < count; ++i) CHECK(max_abs_difference(m->lora_read(i, SQLRL_LORA_GRAD), expected[i]) < 1e-6);
  }
}

}  // namespace

TEST(dist_allreduce_sums_the_lora_gradients_of_every_rank) {
  check_gradient_sum(26214400);  // one bucket
}

TEST(dist_allreduce_gives_the_same_sums_through_small_buckets) {
  // 256 bytes: several tensors per bucket, and tensors larger than a bucket in buckets of their own
  check_gradient_sum(256);
}

TEST(dist_broadcast_makes_every_rank_hold_the_roots_adapters_and_moments) {
  TinyModel first(TinySpec{}), second(TinySpec{});
  first.attach_lora(4, 8.0, kAllTargets, 0.0, 1);
  second.attach_lora(4, 8.0, kAllTargets, 0.0, 2);  // other random A
  for (int32_t i = 0; i < first.lora_count(); ++i) {
    size_t n = first.lora_read(i, SQLRL_LORA_VALUE).size();
    first.lora_write(i, SQLRL_LORA_ADAM_M, random_values(n, 3 + i));
    first.lora_write(i, SQLRL_LORA_ADAM_V, random_values(n, 300 + i));
  }
  TinyModel* models[2] = {&first, &second};
  on_ranks(group_of(2), [&](int32_t rank, sqlrl_dist* dist) {
    CHECK_OK(sqlrl_dist_broadcast_lora(dist, models[rank]->handle(), 0));
  });
  for (int32_t i = 0; i < first.lora_count(); ++i) {
    for (int32_t which : {SQLRL_LORA_VALUE, SQLRL_LORA_ADAM_M, SQLRL_LORA_ADAM_V}) {
      CHECK(max_abs_difference(first.lora_read(i, which), second.lora_read(i, which)) == 0.0);
    }
  }
}

TEST(dist_reduces_doubles_broadcasts_bytes_and_meets_at_barriers) {
  on_ranks(group_of(3), [&](int32_t rank, sqlrl_dist* dist) {
    double sum[2] = {1.0 + rank, 10.0 * rank}, low[1] = {5.0 - rank}, high[1] = {static_cast<double>(rank)};
    CHECK_OK(sqlrl_dist_allreduce_f64(dist, sum, 2, SQLRL_REDUCE_SUM));
    CHECK_OK(sqlrl_dist_allreduce_f64(dist, low, 1, SQLRL_REDUCE_MIN));
    CHECK_OK(sqlrl_dist_allreduce_f64(dist, high, 1, SQLRL_REDUCE_MAX));
    CHECK(sum[0] == 6.0 && sum[1] == 30.0 && low[0] == 3.0 && high[0] == 2.0);
    uint8_t bytes[4] = {0, 0, 0, 0};
    if (rank == 1) bytes[0] = 7, bytes[3] = 9;
    CHECK_OK(sqlrl_dist_broadcast_bytes(dist, bytes, 4, 1));
    CHECK(bytes[0] == 7 && bytes[3] == 9);
    CHECK_OK(sqlrl_dist_barrier(dist));
    CHECK_FAILS(sqlrl_dist_allreduce_f64(dist, sum, 2, 9), SQLRL_ERR_INVALID_ARGUMENT, "op must be");
  });
}

TEST(dist_create_checks_its_params) {
  sqlrl_dist* dist = reinterpret_cast<sqlrl_dist*>(0x1);
  sqlrl_dist_params p = params_for(0, 2, 29500);
  p.rank = 2;
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_INVALID_ARGUMENT, "rank 2 is outside [0, 2)");
  CHECK(dist == nullptr);
  p = params_for(0, 0, 29500);
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_INVALID_ARGUMENT, "world_size must be >= 1");
  p = params_for(0, 1, 70000);
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_INVALID_ARGUMENT, "master_port must be in 1..65535");
  p = params_for(0, 1, 29500);
  p.master_addr = nullptr;
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_INVALID_ARGUMENT, "master_addr is null");
  p = params_for(0, 1, 29500);
  p.backend = 5;
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_INVALID_ARGUMENT, "backend must be");
  p = params_for(0, 1, 29500, 0);
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_INVALID_ARGUMENT, "timeout_ms must be > 0");
  CHECK_FAILS(sqlrl_dist_create(nullptr, &dist), SQLRL_ERR_INVALID_ARGUMENT, "params is null");
  CHECK_FAILS(sqlrl_dist_barrier(nullptr), SQLRL_ERR_INVALID_ARGUMENT, "dist is null");
  sqlrl_dist_free(nullptr);  // a no-op
}

TEST(dist_names_the_ranks_that_never_came) {
  sqlrl_dist_params alone = params_for(0, 3, free_port(), 1500);
  auto outcomes = on_ranks({alone}, [](int32_t, sqlrl_dist*) {});
  CHECK_MSG(outcomes[0].status == SQLRL_ERR_STATE, outcomes[0].message);
  CHECK_MSG(outcomes[0].message.find("ranks 1, 2 did not join within 1.5 s") != std::string::npos,
            outcomes[0].message);
}

TEST(dist_refuses_a_world_size_mismatch) {
  int32_t port = free_port();
  auto outcomes = on_ranks({params_for(0, 2, port, 3000), params_for(1, 3, port, 3000)}, [](int32_t, sqlrl_dist*) {});
  // both fail: whichever reads the other's world size first names the mismatch, the other may only see the
  // store go away with it
  CHECK_MSG(outcomes[0].status == SQLRL_ERR_STATE && outcomes[1].status == SQLRL_ERR_STATE,
            outcomes[0].message << " | " << outcomes[1].message);
  CHECK_MSG(outcomes[0].message.find("world size mismatch") != std::string::npos ||
                outcomes[1].message.find("world size mismatch") != std::string::npos,
            outcomes[0].message << " | " << outcomes[1].message);
}

TEST(dist_refuses_a_rank_claimed_twice) {
  int32_t port = free_port();
  // the group that forms keeps rank 0's store up until the duplicate has tried
  auto outcomes = on_ranks({params_for(0, 2, port, 2000), params_for(1, 2, port, 2000), params_for(1, 2, port, 2000)},
                           [](int32_t, sqlrl_dist*) { std::this_thread::sleep_for(std::chrono::milliseconds(1500)); });
  int claimed_twice = 0;
  for (const RankOutcome& o : outcomes) claimed_twice += o.message.find("rank 1 is claimed twice") != std::string::npos;
  CHECK_MSG(claimed_twice == 1, outcomes[1].message << " | " << outcomes[2].message);
}

TEST(dist_says_when_the_port_is_taken) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  address.sin_port = 0;
  CHECK(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  CHECK(listen(fd, 1) == 0);
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  sqlrl_dist_params p = params_for(0, 2, ntohs(address.sin_port), 1000);
  sqlrl_dist* dist = nullptr;
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_STATE, "cannot listen on 127.0.0.1:");
  close(fd);
}

TEST(dist_says_when_the_store_cannot_be_reached) {
  sqlrl_dist_params p = params_for(1, 2, free_port(), 1000);
  sqlrl_dist* dist = nullptr;
  CHECK_FAILS(sqlrl_dist_create(&p, &dist), SQLRL_ERR_STATE, "cannot reach the rendezvous store at 127.0.0.1:");
}

// A rank that leaves the group: the other's next collective fails (within the timeout) instead of waiting forever.
TEST(dist_a_collective_fails_when_a_rank_has_left) {
  auto ranks = group_of(2);
  for (auto& p : ranks) p.timeout_ms = 2000;
  std::vector<int32_t> status(2, SQLRL_OK);
  std::vector<std::string> message(2);
  auto started = std::chrono::steady_clock::now();
  on_ranks(ranks, [&](int32_t rank, sqlrl_dist* dist) {
    CHECK_OK(sqlrl_dist_barrier(dist));
    if (rank == 1) return;  // leaves: on_ranks frees its group
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    double value[1] = {1.0};
    status[rank] = sqlrl_dist_allreduce_f64(dist, value, 1, SQLRL_REDUCE_SUM);
    message[rank] = sqlrl_last_error();
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK_MSG(status[0] == SQLRL_ERR_STATE, "status " << status[0] << ": " << message[0]);
  CHECK_MSG(message[0].find("rank 0 of 2: the all-reduce failed") != std::string::npos, message[0]);
  CHECK_MSG(seconds < 10, "took " << seconds << " s");
}

// torchrun starts every rank at once: a rank may ask for the store before rank 0 listens, and must wait for it.
TEST(dist_a_rank_started_before_rank_0_waits_for_its_store) {
  auto ranks = group_of(2);
  std::thread late_leader;
  std::vector<RankOutcome> outcomes(2);
  std::thread follower([&] {
    sqlrl_dist* dist = nullptr;
    outcomes[1].status = sqlrl_dist_create(&ranks[1], &dist);
    outcomes[1].message = sqlrl_last_error();
    if (dist != nullptr) {
      sqlrl_dist_barrier(dist);
      sqlrl_dist_free(dist);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  sqlrl_dist* dist = nullptr;
  outcomes[0].status = sqlrl_dist_create(&ranks[0], &dist);
  outcomes[0].message = sqlrl_last_error();
  if (dist != nullptr) {
    sqlrl_dist_barrier(dist);
    sqlrl_dist_free(dist);
  }
  follower.join();
  CHECK_MSG(outcomes[0].status == SQLRL_OK && outcomes[1].status == SQLRL_OK,
            outcomes[0].message << " | " << outcomes[1].message);
}
