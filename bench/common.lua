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
