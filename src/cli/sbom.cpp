#include "command.hpp"

#include "hallmark/telemetry/metrics.hpp"
#include "hallmark/util/time.hpp"

#include "hallmark/sbom/bom_builder.hpp"
#include "hallmark/sbom/image.hpp"
#include "hallmark/sbom/writers.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <cstdio>
#include <memory>

namespace hallmark::cli {

void emit_cli_metrics(const Globals& g, const std::vector<otlp::Metric>& metrics);

namespace {
// Warnings quote hostile input: control bytes would drive the terminal, so they are shown escaped.
std::string printable(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}
Result<sbom::Bom> image_bom(const std::string& ref, const std::string& platform,
                            const std::vector<std::string>& insecure, bool include_dev, const Globals& g,
                            Diagnostics& diag) {
  sbom::ImageBomOptions io;
  io.reference = ref;
  io.platform = platform;
  io.source.env = g.env;
  io.source.insecure_registries = insecure;
  io.include_dev = include_dev;
  auto r = sbom::build_image_bom(io, diag);
  if (!r) return r.error();
  if (g.verbosity >= 2)
    say("sbom: " + ref + " is " + r->digest + " (manifest " + r->manifest_digest + ", " + std::to_string(r->layers) +
        " layers, " + std::to_string(r->files) + " files)");
  return std::move(r->bom);
}

}  // namespace

Runner setup_sbom(CLI::App& sub, Globals& g) {
  struct Opts {
    std::vector<std::string> paths;
    std::string output;
    std::string format = "cyclonedx-json";
    std::string spec_version = "1.6";
    std::vector<std::string> excludes;
    bool include_dev = false;
    bool include_vendored = false;
    bool strict = false;
    std::string image, platform;
    std::vector<std::string> insecure;
  };
  auto o = std::make_shared<Opts>();
  sub.add_option("PATH", o->paths, "Directories, manifests or archives to catalogue (default: .)");
  sub.add_option("-o,--output", o->output, "Write the SBOM to FILE (atomically) instead of stdout");
  sub.add_option("--format", o->format, "cyclonedx-json (default) or spdx-json")
      ->check(CLI::IsMember({"cyclonedx-json", "spdx-json"}));
  sub.add_option("--spec-version", o->spec_version, "CycloneDX spec version: 1.6 (default) or 1.5")
      ->check(CLI::IsMember({"1.6", "1.5"}));
  sub.add_option("--exclude", o->excludes, "Skip paths matching GLOB (relative to each PATH; repeatable)");
  sub.add_flag("--include-dev", o->include_dev, "Include dev-only dependencies (CycloneDX scope \"excluded\")");
  sub.add_flag("--include-vendored", o->include_vendored, "Also walk node_modules, vendor and bower_components");
  sub.add_option("--image", o->image,
                 "Catalogue a container image instead: oci:DIR[:TAG], oci-archive:FILE, "
                 "docker-archive:FILE or [docker://]HOST/REPO[:TAG|@sha256:...] (docs/images.md)");
  sub.add_option("--platform", o->platform,
                 "With --image: the platform of a multi-platform image (default: the host's)");
  sub.add_option("--insecure-registry", o->insecure, "With --image: allow plain HTTP to this registry HOST[:PORT]");
  sub.add_flag("--strict", o->strict, "Exit 1 when any input produced a warning (the SBOM is still written)");
  return [o, &g] {
    sbom::BomOptions options;
    for (const std::string& p : o->paths) options.paths.emplace_back(p);
    options.excludes = o->excludes;
    options.include_dev = o->include_dev;
    options.include_vendored = o->include_vendored;
    options.go_module_cache = sbom::go_module_cache_dir(g.env);
    if (!o->image.empty() && !o->paths.empty()) {
      say_error("sbom: give either --image REF or PATHs, not both");
      return 2;
    }
    Diagnostics diag;
    auto bom = o->image.empty() ? sbom::build_bom(options, diag)
                                : image_bom(o->image, o->platform, o->insecure, o->include_dev, g, diag);
    if (!bom) {
      say_error("sbom: " + bom.message());
      return 2;
    }
    sbom::WriterOptions w;
    w.spec_version = o->spec_version;
    w.source_date_epoch = env_get(g.env, "SOURCE_DATE_EPOCH");
    w.deterministic_ids = !w.source_date_epoch.empty();
    std::string text = o->format == "spdx-json" ? sbom::write_spdx_json(*bom, w) : sbom::write_cyclonedx_json(*bom, w);
    if (o->output.empty()) {
      if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        say_error("sbom: cannot write to stdout");
        return 2;
      }
    } else if (auto st = write_file_atomic(o->output, text); !st) {
      say_error("sbom: " + st.message() + " (check that the directory of -o exists and is writable)");
      return 2;
    }
    if (g.verbosity >= 1)
      for (const std::string& line : diag.lines()) say("warning: " + printable(line));
    if (g.verbosity >= 1 && !o->output.empty())
      say("sbom: " + std::to_string(bom->components.size()) + " components, " + std::to_string(diag.size()) +
          " warnings -> " + o->output);
    emit_cli_metrics(g, {sbom_components_metric(bom->components.size(), o->format,
                                                uint64_t(unix_nanos(std::chrono::system_clock::now())))});
    return o->strict && !diag.empty() ? 1 : 0;
  };
}

}  // namespace hallmark::cli
