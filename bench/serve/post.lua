-- wrk: POST a JSON build request (BENCH_TOKEN from the environment).
wrk.method = "POST"
wrk.body = '{"branch":"main"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
