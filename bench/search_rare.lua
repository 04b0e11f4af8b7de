-- GET /v1/applicants?q=: a rare pattern, a surname and a number ("Knuth 4711"): a row or two
-- of the whole set match.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local names = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Thompson", "Ritchie", "Hamilton", "Allen" }
local applicants = tonumber(os.getenv("BENCH_APPLICANTS") or "100000")
request = function()
  return wrk.format("GET", "/v1/applicants?limit=20&q=" .. names[math.random(#names)] .. "%20"
    .. math.random(applicants), auth)
end
