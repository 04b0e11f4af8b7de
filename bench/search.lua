-- GET /v1/applicants: a name search and the first page of the list, alternately.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local names = { "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Thompson", "Ritchie", "Hamilton", "Allen" }
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "/v1/applicants?limit=20&q=" .. names[math.random(#names)] .. "%20" .. math.random(9999), auth)
  end
  return wrk.format("GET", "/v1/applicants?limit=50", auth)
end
