-- wrk soak chunk: GET an app with the bearer token, and every 4th request
-- POST a build (so the store fills to --store-limit and must stay there);
-- counts the statuses of the answers and prints the totals at the end
-- (run.sh repeats chunks until the soak has sent its number of requests).
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  answers, s2xx, s5xx, other, n = 0, 0, 0, 0, 0
  local auth = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") }
  local post_headers = { ["Authorization"] = auth["Authorization"], ["Content-Type"] = "application/json" }
  get_req = wrk.format("GET", nil, auth)
  post_req = wrk.format("POST", wrk.path .. "/build", post_headers, '{"branch":"main"}')
end
function request()
  n = n + 1
  if n % 4 == 0 then return post_req end
  return get_req
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
