// A fixed pool of worker threads running tasks whose results are collected in submission order.
// Bounded: submit() blocks the producer while `max_in_flight` results are pending, so memory stays
// flat whatever the input size.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace netconv {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void loop() {
    while (true) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  std::vector<std::thread> threads_;
  std::deque<std::function<void()>> tasks_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

// Runs work(item) on the pool (or inline without one) and hands results to sink(result) in the
// order items were submitted.
template <typename Item, typename Result>
class OrderedPipeline {
 public:
  using Work = std::function<Result(Item&)>;
  using Sink = std::function<void(Result&)>;
  OrderedPipeline(WorkerPool* pool, std::size_t max_in_flight, Work work, Sink sink)
      : pool_(pool), max_(max_in_flight), work_(std::move(work)), sink_(std::move(sink)) {}

  void submit(Item item) {
    if (!pool_) {
      Result r = work_(item);
      sink_(r);
      return;
    }
    // The task's callable lives in the future's shared state until the producer takes the
    // result; the item is freed on the worker as soon as it is processed, not on the producer
    // (the serial part of a run), and not after it has waited in the queue of results.
    auto task = std::make_shared<std::packaged_task<Result()>>(
        [this, it = std::make_unique<Item>(std::move(item))]() mutable {
          Result r = work_(*it);
          it.reset();
          return r;
        });
    pending_.push_back(task->get_future());
    pool_->post([task] { (*task)(); });
    while (pending_.size() > max_) drain_one();
  }
  void finish() {
    while (!pending_.empty()) drain_one();
  }

 private:
  void drain_one() {
    Result r = pending_.front().get();  // rethrows a worker's exception here, in order
    pending_.pop_front();
    sink_(r);
  }
  WorkerPool* pool_;
  std::size_t max_;
  Work work_;
  Sink sink_;
  std::deque<std::future<Result>> pending_;
};

}  // namespace netconv
