// Test helper: runs ../shared/peers/otlp-sink (the independent, strict OTLP/HTTP receiver) on
// 127.0.0.1 with an ephemeral port, and reads back what it accepted.
#pragma once

#include "hmtest.hpp"
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace hallmark::test {

class OtlpSink {
public:
  explicit OtlpSink(std::vector<std::string> extra = {}) {
    dir_ = tmp_.path;
    out_ = dir_ / "received.jsonl";
    std::filesystem::path port_file = dir_ / "port";
    const char* shared = std::getenv("HALLMARK_SHARED");
    std::string sink = std::string(shared ? shared : "../shared") + "/peers/otlp-sink";
    std::vector<std::string> args = {"/usr/bin/python3", sink,          "--out",
                                     out_.string(),      "--port-file", port_file.string()};
    for (auto& e : extra) args.push_back(e);
    pid_ = ::fork();
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 300 && port_ == 0; ++i) {
      std::ifstream f(port_file);
      int p = 0;
      if (f >> p) port_ = p;
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~OtlpSink() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<nlohmann::json> received() const {
    std::vector<nlohmann::json> out;
    std::ifstream f(out_);
    std::string line;
    while (std::getline(f, line))
      if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
  }

private:
  hmtest::TempDir tmp_{"sink"};  // removed after the sink is stopped
  std::filesystem::path dir_, out_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace hallmark::test
