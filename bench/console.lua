-- The staff console's pages, as a signed-in member's browser asks for them: BENCH_PAGE
-- (the path) with one of the BENCH_COOKIES (a session each, separated by spaces) per
-- request, so 8 connections are 8 staff sessions.
dofile(os.getenv("BENCH_DIR") .. "/common.lua")
local cookies = {}
for c in string.gmatch(os.getenv("BENCH_COOKIES") or "", "%S+") do cookies[#cookies + 1] = c end
local pages = {}
for p in string.gmatch(os.getenv("BENCH_PAGE") or "/staff", "%S+") do pages[#pages + 1] = p end
request = function()
  return wrk.format("GET", pages[math.random(#pages)],
    { ["Cookie"] = "recruitd=" .. cookies[math.random(#cookies)] })
end
