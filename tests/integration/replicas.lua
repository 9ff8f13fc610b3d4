-- replicas.lua — wrk script for test_replicas.sh: requests over the API's
-- routes, for random customers of IDS_FILE, in a fixed rotation (a customer's
-- Customer 360 and history, a work-queue page, the portfolio, the models'
-- view, the model health, the interventions, and a POST of the customer's
-- churn prediction), and a count of every answer that is not 2xx.
-- (bench/replicas.sh measures one route with bench/wrk/random_customers.lua.)
--
--   wrk -s replicas.lua URL -- IDS_FILE
--
-- At the end it prints one line:
--   replicas: requests=N non2xx=N first_bad=STATUS
-- (first_bad is 0 when every answer was 2xx). wrk's own "Socket errors" and
-- "Non-2xx or 3xx responses" lines come before it when there were any.
local threads = {}
local ids = {}
local turn = 0
non2xx = 0
first_bad = 0

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    for line in io.lines(args[1]) do
        if #line > 0 then ids[#ids + 1] = line end
    end
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

local function mixed(id)
    turn = turn % 9 + 1
    if turn == 1 or turn == 2 then
        return "/customers/" .. id
    elseif turn == 3 then
        return "/customers/" .. id .. "/history"
    elseif turn == 4 then
        return "/customers?limit=20&offset=" .. math.random(0, 100) .. "&sort=arr_at_risk"
    elseif turn == 5 then
        return "/analytics/portfolio"
    elseif turn == 6 then
        return "/analytics/models"
    elseif turn == 7 then
        return "/health/model"
    elseif turn == 8 then
        return "/analytics/interventions"
    end
    return nil -- a POST: the customer's churn prediction
end

local json_headers = {["Content-Type"] = "application/json"}

function request()
    local id = ids[math.random(#ids)]
    local path = mixed(id)
    if path == nil then
        return wrk.format("POST", "/predictions/churn", json_headers,
                          '{"customer_id":"' .. id .. '"}')
    end
    return wrk.format("GET", path)
end

function response(status, headers, body)
    if status < 200 or status > 299 then
        non2xx = non2xx + 1
        if first_bad == 0 then first_bad = status end
    end
end

function done(summary, latency, requests)
    local bad, first = 0, 0
    for _, thread in ipairs(threads) do
        bad = bad + thread:get("non2xx")
        if first == 0 then first = thread:get("first_bad") end
    end
    io.write(string.format("replicas: requests=%d non2xx=%d first_bad=%d\n", summary.requests, bad,
                           first))
end
