-- Shared by the bench scripts: the staff token, numbered ids, per-thread counters.
token = os.getenv("BENCH_TOKEN")
local ids_file = os.getenv("BENCH_IDS")
ids = {}
if ids_file then
  for line in io.lines(ids_file) do ids[#ids + 1] = line end
end
auth = { ["Authorization"] = "Bearer " .. token }

local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

-- BENCH_DELAY_MS paces each connection: it waits that long before each
-- request, so the load is light enough to show latency without queueing.
local pace = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pace then
  function delay() return pace end
end
