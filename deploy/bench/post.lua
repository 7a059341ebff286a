-- wrk script for ./probr bench edge: POST the file named by BODY_FILE with the key in PROBR_KEY.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Probr-Key"] = os.getenv("PROBR_KEY")

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests/s=%.0f p50_ms=%.2f p99_ms=%.2f non2xx=%d requests=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
