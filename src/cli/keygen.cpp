#include "command.hpp"

#include "hallmark/attest/signing.hpp"
#include "hallmark/util/atomic_file.hpp"

#include <cstdio>
#include <memory>
#include <system_error>

namespace hallmark::cli {

Runner setup_keygen(CLI::App& sub, Globals& g) {
  struct Opts {
    std::string type = "ed25519";
    std::string name = "hallmark";
    std::string password_file;
  };
  auto o = std::make_shared<Opts>();
  sub.footer("Writes NAME.key (PKCS#8 PEM, mode 0600; encrypted when $HALLMARK_KEY_PASSWORD or\n"
             "--password-file gives a passphrase) and NAME.pub (SPKI PEM), and prints the keyid:\n"
             "the lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. Never overwrites.");
  sub.add_option("--type,-t", o->type, "ed25519, ecdsa-p256, ecdsa-p384 or rsa-3072")
      ->check(CLI::IsMember({"ed25519", "ecdsa-p256", "ecdsa-p384", "rsa-3072"}))
      ->capture_default_str();
  sub.add_option("-o,--output", o->name, "Key file name without extension")->capture_default_str();
  sub.add_option("--password-file", o->password_file, "Encrypt the private key with the first line of this file");

  return [o, &g] {
    auto type = key_type_from_string(o->type);
    auto pass = key_passphrase(g.env, o->password_file);
    if (!pass) {
      say_error(pass.message());
      return 2;
    }
    std::filesystem::path priv = o->name + ".key", pub = o->name + ".pub";
    std::error_code ec;
    for (const auto& p : {priv, pub})
      if (std::filesystem::exists(std::filesystem::symlink_status(p, ec))) {
        say_error(p.string() + " already exists; refusing to overwrite a key (choose another -o NAME or remove it)");
        return 2;
      }
    auto key = generate_key(*type);
    if (!key) {
      say_error(key.message());
      return 2;
    }
    auto pem = key->private_pem(*pass);
    if (!pem) {
      say_error(pem.message());
      return 2;
    }
    if (Status st = write_file_atomic(priv, *pem, {0600, true}); !st) {
      say_error(st.message());
      return 2;
    }
    if (Status st = write_file_atomic(pub, key->public_pem(), {0644, true}); !st) {
      say_error(st.message());
      return 2;
    }
    if (g.verbosity >= 1)
      say("wrote " + priv.string() + " (" + o->type + (pass->empty() ? "" : ", encrypted") + ") and " + pub.string());
    std::printf("%s\n", key->keyid().c_str());
    return 0;
  };
}

}  // namespace hallmark::cli
