-- GET /v1/applicants?q=: a common pattern, a surname alone: one row in ten matches, the
-- first page of 20 is asked for.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local names = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Thompson", "Ritchie", "Hamilton", "Allen" }
request = function()
  return wrk.format("GET", "/v1/applicants?limit=20&q=" .. names[math.random(#names)], auth)
end
