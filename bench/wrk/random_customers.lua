-- random_customers.lua — wrk script for bench/serve.sh: every request asks
-- about a random active customer, by POST /predictions/churn (mode
-- "churn"), GET /customers/{id} (mode "customer"), GET
-- /customers/{id}/history (mode "history") or POST /summaries/customer for a
-- random audience (mode "brief"); mode "movers" asks GET /movers, mode
-- "movers-gzip" the same taking gzip as browsers do; mode "what-if" asks
-- GET /analytics/interventions for the top 20 at the plan's rates,
-- "what-if-gzip" the same taking gzip, mode "what-if-100" for the top 100 at
-- a random save rate.
--
--   [WRK_PAUSE_MS=N] wrk -s random_customers.lua URL -- IDS_FILE MODE
--
-- With WRK_PAUSE_MS each connection waits that long between its requests,
-- so the load is a chosen rate (at most connections × 1000 / N per second)
-- instead of as fast as the machine goes.
--
-- At the end it prints one machine-readable line:
--   result requests=N seconds=S p50_us=… p90_us=… p99_us=… max_us=… non2xx=N socket_errors=N
local ids = {}
local audiences = {"csm", "executive", "account_executive"}
local mode = "churn"
local pause_ms = tonumber(os.getenv("WRK_PAUSE_MS") or "0")

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then ids[#ids + 1] = line end
    end
    mode = args[2] or mode
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
    local id = ids[math.random(#ids)]
    if mode == "customer" then
        return wrk.format("GET", "/customers/" .. id)
    elseif mode == "history" then
        return wrk.format("GET", "/customers/" .. id .. "/history")
    elseif mode == "brief" then
        return wrk.format("POST", "/summaries/customer", {["Content-Type"] = "application/json"},
                          '{"customer_id":"' .. id .. '","audience":"' ..
                          audiences[math.random(#audiences)] .. '"}')
    elseif mode == "movers" then
        return wrk.format("GET", "/movers")
    elseif mode == "movers-gzip" then
        return wrk.format("GET", "/movers", {["Accept-Encoding"] = "gzip, deflate, br"})
    elseif mode == "what-if" then
        return wrk.format("GET", "/analytics/interventions")
    elseif mode == "what-if-gzip" then
        return wrk.format("GET", "/analytics/interventions", {["Accept-Encoding"] = "gzip, deflate, br"})
    elseif mode == "what-if-100" then
        return wrk.format("GET", "/analytics/interventions?accounts=100&save_rate=0." .. math.random(1, 9))
    end
    return wrk.format("POST", "/predictions/churn", {["Content-Type"] = "application/json"},
                      '{"customer_id":"' .. id .. '"}')
end

if pause_ms > 0 then
    function delay()
        return pause_ms
    end
end

function done(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        "result requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(90),
        latency:percentile(99), latency.max, errors.status,
        errors.connect + errors.read + errors.write + errors.timeout))
end
