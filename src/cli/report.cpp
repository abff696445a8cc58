#include "command.hpp"

#include "hallmark/detect/report.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace hallmark::cli {

Runner setup_report(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string run, output, record_dir;
  };
  auto o = std::make_shared<Opts>();
  sub.footer(
      "Writes one self-contained HTML page (no scripts, no fetches) and prints its path. See docs/detection.md.");
  sub.add_option("run", o->run, "Run id (default: the current run, else the latest under .hallmark/runs/)");
  sub.add_option("-o,--output", o->output, "HTML file to write (default: <record dir>/report.html)");
  sub.add_option("--record-dir", o->record_dir, "Record dir (default: $HALLMARK_DIR or ./.hallmark)");

  return [o, &g] {
    namespace fs = std::filesystem;
    fs::path root = RecordDir::locate(fs::current_path(), o->record_dir, g.env);
    RecordDir dir(root);
    auto current = dir.current_run();
    if (!o->run.empty() && (!current || current->id != o->run)) {
      if (o->run.find('/') != std::string::npos || o->run.find("..") != std::string::npos) {
        say_error("report: '" + o->run + "' is not a run id");
        return 2;
      }
      dir = RecordDir(root / "runs" / o->run);
      current = dir.current_run();
      if (!current) {
        say_error("report: no run '" + o->run + "' in " + root.string() + " (the current one or under runs/)");
        return 2;
      }
    }
    if (!current && o->run.empty()) {
      // No run in place (the record dir was archived): the latest of runs/, by its run.json.
      std::error_code ec;
      fs::path latest;
      fs::file_time_type newest{};
      for (const auto& e : fs::directory_iterator(root / "runs", ec)) {
        auto t = fs::last_write_time(e.path() / "run.json", ec);
        if (!ec && (latest.empty() || t > newest)) latest = e.path(), newest = t;
      }
      if (!latest.empty()) {
        dir = RecordDir(latest);
        current = dir.current_run();
      }
    }
    if (!current) {
      say_error("report: " + current.message());
      return 2;
    }
    auto steps = dir.read_steps();
    if (!steps) {
      say_error("report: " + steps.message());
      return 2;
    }
    fs::path out = o->output.empty() ? root / "report.html" : fs::path(o->output);
    if (Status st = write_file_atomic(out, render_report_html(*current, *steps)); !st.ok()) {
      say_error("report: " + st.message());
      return 2;
    }
    std::printf("%s\n", out.string().c_str());
    return 0;
  };
}

}  // namespace hallmark::cli
