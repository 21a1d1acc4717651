-- wrk soak chunk: GET with the bearer token; counts the statuses of the
-- answers and prints the totals at the end (run.sh repeats chunks until the
-- soak has sent its number of requests).
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
  answers, s2xx, s5xx, other = 0, 0, 0, 0
end
function response(status, headers, body)
  answers = answers + 1
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local a, ok, e5, o = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("answers"); ok = ok + t:get("s2xx"); e5 = e5 + t:get("s5xx"); o = o + t:get("other")
  end
  io.write(string.format("SOAK answers=%d 2xx=%d 5xx=%d other=%d socket_errors=%d\n", a, ok, e5, o,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
