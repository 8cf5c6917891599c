#!/bin/sh
# Runs one fuzz target for a while, politely (this machine is shared): one job, one worker,
# lowest priority, 2 GB RSS limit, 10 s per input. Usage: fuzz/run.sh TARGET SECONDS
# The working corpus grows in fuzz/corpus/TARGET (not committed); the committed seeds in
# fuzz/seeds/TARGET and the fixtures are read as extra corpora. Findings land in
# fuzz/artifacts/TARGET; the log (with libFuzzer's final stats) in fuzz/target/logs/TARGET.log.
set -eu
target=$1
seconds=$2
cd "$(dirname "$0")"
mkdir -p "corpus/$target" "seeds/$target" target/logs
case $target in
  csv) extra="../tests/fixtures/csv_utf8 ../tests/fixtures/csv_utf16 ../tests/fixtures/csv_cp1252_semicolon ../tests/fixtures/csv_iso_dates ../tests/fixtures/csv_utf8_bom_crlf"; max_len=16384 ;;
  workbook_zip|xls) extra="../tests/fixtures"; max_len=65536 ;;
  analyze) extra="../tests/fixtures/csv_utf8"; max_len=131072 ;;
  xlsx_sheet_xml|ods_content_xml) extra=""; max_len=65536 ;;
  date) extra=""; max_len=64 ;;
  *) extra=""; max_len=4096 ;;
esac
# shellcheck disable=SC2086
nice -n 19 cargo +nightly fuzz run -O "$target" "corpus/$target" "seeds/$target" $extra -- \
  -jobs=1 -workers=1 -rss_limit_mb=2048 -timeout=10 -max_len=$max_len \
  -max_total_time="$seconds" -print_final_stats=1 \
  >"target/logs/$target.log" 2>&1 || status=$?
# With -jobs, libFuzzer writes the job's own output (the #N exec counts) to fuzz-0.log.
mv -f fuzz-0.log "target/logs/$target.job.log" 2>/dev/null || true
exit "${status:-0}"
