# Malformed manifests: a warning naming the file and line/field, everything else still
# catalogued, exit 0; --strict turns warnings into exit 1 (the SBOM is still written).
source "$HALLMARK_SRC/tests/e2e/lib.sh"
mkdir -p t/good t/bad t/yarn t/pnpm t/py
cp "$SHARED/corpus/npm-v3-mocha/package-lock.json" "$SHARED/corpus/npm-v3-mocha/package.json" t/good/
head -c 5000 "$SHARED/corpus/npm-v3-mocha/package-lock.json" >t/bad/package-lock.json
printf 'lockfileVersion: [oops\n  bad: : :\n' >t/pnpm/pnpm-lock.yaml
printf '# yarn lockfile v1\n\nleft-pad@^1:\n  resolved "x"\nnot a header\n' >t/yarn/yarn.lock
printf '[[package]]\nname = "x"\nversion = \n' >t/py/poetry.lock
printf '\x00\x01\x02\xff\xfe' >t/py/requirements.txt
rc=$(status "$HM" sbom t -o out.json 2>err.txt)
expect_eq "$rc" 0 "exit status with warnings"
expect_contains err.txt "hallmark: warning: bad/package-lock.json: line "
expect_contains err.txt "pnpm/pnpm-lock.yaml: line "
expect_contains err.txt "yarn/yarn.lock: line "
expect_contains err.txt "py/poetry.lock: line "
[ "$(jget out.json "len(j['components'])")" -gt 20 ] || fail "the good lockfile was not catalogued"
rc=$(status "$HM" sbom --strict t -o strict.json 2>/dev/null)
expect_eq "$rc" 1 "--strict exit status"
[ -s strict.json ] || fail "--strict did not write the SBOM"
node "$PEERS_SRC/validate-cdx.mjs" --refs-error out.json >/dev/null 2>&1 || fail "BOM with warnings is invalid"
pass "malformed"
