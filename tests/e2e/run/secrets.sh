# Secrets planted in the environment, argv and a git remote URL reach no file in the record dir.
source "$HALLMARK_SRC/tests/e2e/lib.sh"
git init -q .
git remote add origin "https://deploy-user:hunter2-remote-pw@git.example.com/org/repo.git"
echo x >f
ghp=ghp_$(printf 'A%.0s' $(seq 36))
aws=AKIA$(printf 'Q%.0s' $(seq 16))
jwt="eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ"
env MY_API_TOKEN=plain-secret-value-123 DB_PASSWORD=correct-horse-battery \
    INNOCENT_LOOKING="$ghp" ANOTHER="$aws" WEB_JWT_VALUE="$jwt" \
    "$HM" run -q --step deploy -- sh -c 'true' --password=argv-secret-456 \
      "https://bob:url-secret-789@example.com/x" --token argv-secret-999 "$ghp"
rec=$(ls .hallmark/steps/*.json)
for s in plain-secret-value-123 correct-horse-battery "$ghp" "$aws" "$jwt" argv-secret-456 \
         url-secret-789 argv-secret-999 hunter2-remote-pw; do
  if grep -rqF -- "$s" .hallmark; then fail "secret '$s' reached the record dir"; fi
done
expect_eq "$(jget "$rec" '"MY_API_TOKEN" in j["env"]["redacted"] and "DB_PASSWORD" in j["env"]["redacted"]')" True "names of redacted variables listed"
expect_eq "$(jget "$rec" 'j["env"]["vars"]["MY_API_TOKEN"]')" "[REDACTED]" "secret env value replaced"
expect_eq "$(jget "$rec" 'j["git"]["remote_url"]')" "https://git.example.com/org/repo.git" "remote credentials stripped"
expect_contains "$rec" "[REDACTED]"
pass "secrets never recorded"
