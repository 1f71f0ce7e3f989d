-- wrk script of bench/run: requests the paths given after `--` in turn, each thread starting at its own
-- place, and counts the responses other than 200 (wrk itself reports only statuses of 400 and above, so
-- a redirect to the sign-in page would otherwise pass for a fast page).
--   wrk -t2 -c20 -d10s --latency -s bench/pages.lua http://127.0.0.1:8000 -- /kb/search?q=a /kb/search?q=b

local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  paths = args
  if #paths == 0 then
    paths = {"/"}
  end
  counter = offset or 0
  not_ok = 0
  last_status = 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[counter % #paths + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    last_status = status
  end
end

function done(summary, latency, requests)
  local total, status = 0, 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("not_ok")
    if thread:get("last_status") ~= 0 then
      status = thread:get("last_status")
    end
  end
  io.write(string.format("bench-not-200: %d %d\n", total, status))
end
