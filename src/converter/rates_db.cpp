#include "conv/converter/rates_db.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <map>

namespace conv::converter {

namespace {

// The schema, version 1 (PRAGMA user_version). One row per provider, day and currency; the
// checks make a malformed row abort its whole transaction.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS rates (
  provider  TEXT    NOT NULL,
  day       INTEGER NOT NULL,              -- days since 1970-01-01
  base      TEXT    NOT NULL CHECK (length(base) = 3),
  direction TEXT    NOT NULL CHECK (direction IN ('per_base', 'in_base')),
  currency  TEXT    NOT NULL CHECK (length(currency) = 3),
  rate      TEXT    NOT NULL CHECK (rate <> ''),
  PRIMARY KEY (provider, day, currency)
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

using Statement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

const char* direction_text(PublishedDay::Direction d) {
  return d == PublishedDay::Direction::per_base ? "per_base" : "in_base";
}

std::string_view column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : "";
}

// "file:PATH?QUERY", with the characters a URI gives a meaning to escaped.
std::string file_uri(const std::string& path, std::string_view query) {
  std::string uri = "file:";
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr char kHex[] = "0123456789abcdef";
      uri += '%';
      uri += kHex[static_cast<unsigned char>(c) >> 4];
      uri += kHex[static_cast<unsigned char>(c) & 15];
    } else {
      uri += c;
    }
  }
  return uri + "?" + std::string(query);
}

// What sqlite3_open_v2 opens in `mode`, and how.
struct OpenAs {
  std::string name;
  int flags = 0;
};

OpenAs open_as(const std::string& path, RatesDb::Mode mode) {
  constexpr int kReadOnly = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI;
  switch (mode) {
    case RatesDb::Mode::read_write:
      return {path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE};
    case RatesDb::Mode::read_only:
      return {file_uri(path, "immutable=1"), kReadOnly};
    case RatesDb::Mode::inspect:
      break;
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw StoreError(path + ": no such file");
  const bool open_elsewhere =
      std::filesystem::exists(path + "-wal", ec) && std::filesystem::exists(path + "-shm", ec);
  return {file_uri(path, open_elsewhere ? "mode=ro" : "immutable=1"), kReadOnly};
}

}  // namespace

RatesDb::RatesDb(const std::string& path, Mode mode) : path_(path) {
  const OpenAs open = open_as(path, mode);
  if (sqlite3_open_v2(open.name.c_str(), &db_, open.flags, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw StoreError(path + ": " + why);
  }
  sqlite3_busy_timeout(db_, 5000);  // another process (conv rates import) holding the lock
  if (mode != Mode::read_write) return;
  try {
    // WAL: readers never wait for the writer, and a crash mid-write leaves the last
    // committed state; synchronous=NORMAL keeps that (a power cut may lose the last fetch,
    // which the next refresh fetches again).
    exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    exec(kSchema);
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

RatesDb::~RatesDb() {
  sqlite3_close(db_);
}

void RatesDb::exec(const char* sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string why = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StoreError(path_ + ": " + why);
  }
}

void RatesDb::save(const std::vector<PublishedDay>& days) {
  sqlite3_stmt* raw_delete = nullptr;
  sqlite3_stmt* raw_insert = nullptr;
  sqlite3_prepare_v2(db_, "DELETE FROM rates WHERE provider = ?1 AND day = ?2", -1, &raw_delete,
                     nullptr);
  sqlite3_prepare_v2(db_, "INSERT INTO rates VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &raw_insert,
                     nullptr);
  Statement del(raw_delete, &sqlite3_finalize), ins(raw_insert, &sqlite3_finalize);
  if (!del || !ins) throw StoreError(path_ + ": " + sqlite3_errmsg(db_));
  exec("BEGIN IMMEDIATE");
  try {
    for (const auto& day : days) {
      sqlite3_bind_text(del.get(), 1, day.provider.data(), static_cast<int>(day.provider.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_int(del.get(), 2, day.date.days());
      if (sqlite3_step(del.get()) != SQLITE_DONE) throw StoreError(sqlite3_errmsg(db_));
      sqlite3_reset(del.get());
      for (const auto& [code, rate] : day.rates) {
        const std::string text = rate.to_string();
        sqlite3_bind_text(ins.get(), 1, day.provider.data(), static_cast<int>(day.provider.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int(ins.get(), 2, day.date.days());
        sqlite3_bind_text(ins.get(), 3, day.base.data(), static_cast<int>(day.base.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(ins.get(), 4, direction_text(day.direction), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins.get(), 5, code.data(), static_cast<int>(code.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_text(ins.get(), 6, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT);
        if (sqlite3_step(ins.get()) != SQLITE_DONE) {
          throw StoreError(day.date.text() + " " + code + ": " + sqlite3_errmsg(db_));
        }
        sqlite3_reset(ins.get());
      }
    }
    exec("COMMIT");
  } catch (const StoreError& e) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw StoreError(path_ + ": " + e.what());
  }
}

std::vector<PublishedDay> RatesDb::load(std::string_view provider) const {
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db_,
                     "SELECT day, base, direction, currency, rate FROM rates WHERE provider = ?1 "
                     "ORDER BY day, currency",
                     -1, &raw, nullptr);
  Statement select(raw, &sqlite3_finalize);
  if (!select) throw StoreError(path_ + ": " + sqlite3_errmsg(db_));
  sqlite3_bind_text(select.get(), 1, provider.data(), static_cast<int>(provider.size()),
                    SQLITE_TRANSIENT);
  std::vector<PublishedDay> days;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    const auto date = Date::from_days(sqlite3_column_int(select.get(), 0));
    if (days.empty() || days.back().date != date) {
      PublishedDay day;
      day.date = date;
      day.provider = std::string(provider);
      day.base = std::string(column_text(select.get(), 1));
      day.direction = column_text(select.get(), 2) == "per_base" ? PublishedDay::Direction::per_base
                                                                 : PublishedDay::Direction::in_base;
      days.push_back(std::move(day));
    }
    auto rate = Decimal::parse(column_text(select.get(), 4), 40);
    if (!rate) throw StoreError(path_ + ": a stored rate is not a decimal: " + date.text());
    days.back().rates.emplace(std::string(column_text(select.get(), 3)), std::move(*rate));
  }
  if (rc != SQLITE_DONE) throw StoreError(path_ + ": " + sqlite3_errmsg(db_));
  return days;
}

}  // namespace conv::converter
