-- wrk script for bench/run_rating_post.sh: every request POSTs one rating with a fresh token.
-- Each thread takes every Nth line of the token file (TOKENS_FILE), so no token is used twice;
-- the CSRF cookie and form token (CSRF_COOKIE, CSRF_TOKEN) were fetched once by the script
-- with a GET of a rating page: Django accepts the same pair on every POST. After each run the
-- number of completed requests is appended to COUNT_FILE, so the script can check that every
-- one of them stored a rating.
local threads = {}
local counter = 1

function setup(thread)
    thread:set("id", counter)
    table.insert(threads, thread)
    counter = counter + 1
end

function init(args)
    local nthreads = tonumber(os.getenv("WRK_THREADS"))
    tokens = {}
    local i = 0
    for line in io.lines(os.getenv("TOKENS_FILE")) do
        if i % nthreads == id - 1 then
            table.insert(tokens, line)
        end
        i = i + 1
    end
    -- Each thread starts where its previous runs stopped (wrk forgets between runs).
    local offset_file = os.getenv("COUNT_FILE") .. ".thread" .. id
    local f = io.open(offset_file, "r")
    nexti = f and tonumber(f:read("*l")) or 1
    if f then f:close() end
    -- One POST in five a bad rating (which opens a case), unless LEVELS lists others.
    levels = {"very_satisfied", "satisfied", "very_satisfied", "basic", "dissatisfied"}
    local chosen = os.getenv("LEVELS")
    if chosen and chosen ~= "" then
        levels = {}
        for level in string.gmatch(chosen, "[^,]+") do
            table.insert(levels, level)
        end
    end
    body_tail = "&comment=%E5%BE%88%E5%A5%BD"
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Cookie"] = "csrftoken=" .. os.getenv("CSRF_COOKIE")
    csrf = os.getenv("CSRF_TOKEN")
end

function request()
    local token = tokens[nexti]
    local level = levels[(nexti % #levels) + 1]
    nexti = nexti + 1
    local body = "csrfmiddlewaretoken=" .. csrf .. "&level=" .. level .. body_tail
    return wrk.format("POST", "/rate/t/" .. token .. "/", nil, body)
end

function done(summary, latency, requests)
    local f = io.open(os.getenv("COUNT_FILE"), "a")
    f:write(summary.requests, "\n")
    f:close()
    -- The next run of wrk starts each thread after the last token it sent.
    for _, thread in ipairs(threads) do
        local o = io.open(os.getenv("COUNT_FILE") .. ".thread" .. thread:get("id"), "w")
        o:write(thread:get("nexti"))
        o:close()
    end
end
