#include "conv/converter/feeds/feed_job.hpp"

namespace conv::converter {

namespace {

// The job's state between its GETs; each step holds it.
struct Job : std::enable_shared_from_this<Job> {
  FeedFetcher& fetcher;
  std::shared_ptr<const FeedSource> source;
  std::vector<FeedRequest> requests;
  std::function<void(FeedJobResult)> done;
  std::size_t next = 0;
  std::vector<PublishedDay> days;

  Job(FeedFetcher& f, std::shared_ptr<const FeedSource> s, std::vector<FeedRequest> r,
      std::function<void(FeedJobResult)> d)
      : fetcher(f), source(std::move(s)), requests(std::move(r)), done(std::move(d)) {}

  void step() {
    if (next == requests.size()) return finish_merged();
    fetcher.fetch(requests[next].url,
                  [self = shared_from_this()](FetchResult r) { self->on_answer(std::move(r)); });
  }

  void on_answer(FetchResult r) {
    const FeedRequest& request = requests[next++];
    if (!r.ok()) return fail(*r.failure, request.url + ": " + r.detail);
    try {
      auto parsed = source->parse(request, r.body);
      days.insert(days.end(), std::make_move_iterator(parsed.begin()),
                  std::make_move_iterator(parsed.end()));
    } catch (const FeedError& e) {
      return fail(FetchFailure::malformed, request.url + ": " + e.what());
    }
    step();
  }

  void finish_merged() {
    FeedJobResult result;
    try {
      result.days = merge_by_date(std::move(days));
    } catch (const FeedError& e) {
      return fail(FetchFailure::malformed, e.what());
    }
    done(std::move(result));
  }

  void fail(FetchFailure why, std::string detail) {
    FeedJobResult result;
    result.failure = why;
    result.detail = std::move(detail);
    done(std::move(result));
  }
};

}  // namespace

void run_feed_job(FeedFetcher& fetcher, std::shared_ptr<const FeedSource> source,
                  std::vector<FeedRequest> requests, std::function<void(FeedJobResult)> done) {
  auto job =
      std::make_shared<Job>(fetcher, std::move(source), std::move(requests), std::move(done));
  job->step();
}

}  // namespace conv::converter
