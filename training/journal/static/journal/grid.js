// Class journal: the marks grid used from the keyboard like a spreadsheet; typed cells are saved in
// batches in one request. Without this file the page still works through each lesson's form.
(function () {
  "use strict";
  var table = document.getElementById("journal-grid");
  if (!table) {
    return;
  }
  var DEBOUNCE_MS = 700;
  var RETRY_MS = 5000;
  var data = table.dataset;
  var heads = Array.prototype.slice.call(table.tHead.querySelectorAll("th[data-col]"));
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
    return Array.prototype.slice.call(row.querySelectorAll("td.jg-c"));
  });
  var status = document.querySelector("[data-jg-status]");
  var kindSelect = document.querySelector("[data-jg-kind]");
  var pending = {};       // key → {cell, value, kind}: typed and not yet saved (or refused)
  var sending = null;     // key → value of the request in flight
  var timer = null;
  var editing = null;     // {cell, text, html}: the cell being typed into
  var active = null;

  rows.forEach(function (cells, r) {
    cells.forEach(function (cell, c) {
      cell.jgRow = r;
      cell.jgCol = c;
      cell.tabIndex = -1;
    });
  });

  // --- cells and moving ---------------------------------------------------------------------

  function editable(cell) {
    return !cell.classList.contains("jg-ro");
  }

  function activate(cell, focus) {
    if (active && active !== cell) {
      active.tabIndex = -1;
    }
    active = cell;
    cell.tabIndex = 0;
    if (kindSelect) {
      kindSelect.value = heads[cell.jgCol].dataset.kind;
      kindSelect.disabled = !editable(cell);
    }
    if (focus) {
      cell.focus();
    }
  }

  function cellAt(r, c) {
    return rows[r] && rows[r][c];
  }

  function move(dr, dc) {
    var r = active.jgRow + dr;
    var c = active.jgCol + dc;
    var width = rows[0].length;
    if (dc !== 0 && (c < 0 || c >= width) && dr === 0 && arguments[2] === "wrap") {
      r += c < 0 ? -1 : 1;
      c = c < 0 ? width - 1 : 0;
    }
    var target = cellAt(r, c);
    if (target) {
      activate(target, true);
      return true;
    }
    return false;
  }

  // --- typing -------------------------------------------------------------------------------

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function type(cell, text) {
    if (!editable(cell)) {
      say(data.msgClosed);
      return;
    }
    if (!editing) {
      // The first key replaces the cell, as in a spreadsheet; the next keys add to it.
      editing = {cell: cell, text: "", html: cell.innerHTML};
      cell.classList.add("jg-editing");
    }
    editing.text += text;
    cell.textContent = editing.text;
  }

  function backspace(cell) {
    if (editing) {
      editing.text = editing.text.slice(0, -1);
      cell.textContent = editing.text;
    } else {
      clear(cell);
    }
  }

  function cancel() {
    if (editing) {
      editing.cell.innerHTML = editing.html;
      editing.cell.classList.remove("jg-editing");
      editing = null;
    }
  }

  function commit() {
    if (!editing) {
      return;
    }
    var cell = editing.cell;
    var value = editing.text.trim();
    var html = editing.html;
    editing = null;
    cell.classList.remove("jg-editing");
    if (value === currentValue(cell)) {
      cell.innerHTML = html;
      return;
    }
    setPending(cell, value);
  }

  function clear(cell) {
    if (!editable(cell)) {
      say(data.msgClosed);
      return;
    }
    if (currentValue(cell) !== "") {
      setPending(cell, "");
    }
  }

  function currentValue(cell) {
    var entry = pending[cell.dataset.key];
    return entry ? entry.value : cell.dataset.value;
  }

  function setPending(cell, value) {
    pending[cell.dataset.key] = {cell: cell, value: value, kind: heads[cell.jgCol].dataset.kind};
    cell.textContent = value;
    cell.classList.add("jg-pending");
    cell.classList.remove("jg-failed");
    cell.removeAttribute("title");
    showCount();
    schedule(DEBOUNCE_MS);
  }

  // --- saving -------------------------------------------------------------------------------

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function showCount() {
    var count = Object.keys(pending).length;
    say(count ? data.msgUnsaved.replace("{n}", count) : data.msgSaved);
  }

  function payload(keys) {
    return keys.map(function (key) {
      var parts = key.split("/");
      var entry = pending[key];
      return {day: parts[0], number: Number(parts[1]), pupil: Number(parts[2]), value: entry.value,
              kind: entry.kind};
    });
  }

  function save(keepalive) {
    window.clearTimeout(timer);
    timer = null;
    var keys = Object.keys(pending);
    if (sending || !keys.length) {
      return;
    }
    sending = {};
    keys.forEach(function (key) { sending[key] = pending[key].value; });
    say(data.msgSaving);
    window.fetch(data.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: keepalive === true,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": data.csrf},
      body: JSON.stringify({period: data.period, cells: payload(keys)})
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      // Not JSON: signed out, an expired form token or a server error page. Reloading helps.
      return json ? response.json() : {error: data.msgFailed};
    }).then(received, function () {
      received({error: data.msgNetwork, retry: true});
    });
  }

  function received(body) {
    var sent = sending;
    sending = null;
    if (body.cells) {
      body.cells.forEach(function (result) { settle(result, sent); });
      updateAverages(body.averages || {});
    } else {
      Object.keys(sent).forEach(function (key) { refuse(key, body.error); });
    }
    showCount();
    if (body.retry) {
      schedule(RETRY_MS);
    } else if (Object.keys(pending).some(function (key) { return pending[key].value !== sent[key]; })) {
      schedule(DEBOUNCE_MS);  // typed while the request was on its way
    }
  }

  function settle(result, sent) {
    var entry = pending[result.key];
    if (!entry) {
      return;
    }
    if (!result.ok) {
      refuse(result.key, result.error);
      return;
    }
    entry.cell.dataset.value = result.text;
    if (entry.value !== sent[result.key]) {
      return;  // changed again meanwhile: the newer value is still to be sent
    }
    delete pending[result.key];
    entry.cell.classList.remove("jg-pending", "jg-failed");
    entry.cell.removeAttribute("title");
    if (editing && editing.cell === entry.cell) {
      editing.html = renderedHtml(result);
    } else {
      render(entry.cell, result);
    }
  }

  function refuse(key, message) {
    var entry = pending[key];
    if (entry) {
      entry.cell.classList.add("jg-failed");
      entry.cell.title = message;
    }
  }

  function renderedHtml(result) {
    var holder = document.createElement("td");
    render(holder, result);
    return holder.innerHTML;
  }

  function render(cell, result) {
    cell.textContent = "";
    result.marks.forEach(function (mark) {
      var span = document.createElement("span");
      span.className = "jg-m" + (mark.weight > 1 ? " jg-heavy" : "") + (mark.comment ? " jg-note" : "");
      span.dataset.mark = mark.id;
      span.textContent = mark.value === null ? "д" : String(mark.value);
      if (mark.comment) {
        span.title = mark.comment;
      }
      if (mark.weight > 1) {
        var sup = document.createElement("sup");
        sup.textContent = String(mark.weight);
        span.appendChild(sup);
      }
      cell.appendChild(span);
    });
    if (result.attendance) {
      var code = document.createElement("span");
      code.className = "jg-a";
      code.textContent = result.attendance;
      cell.appendChild(code);
    }
  }

  function updateAverages(averages) {
    Object.keys(averages).forEach(function (pupil) {
      var row = table.querySelector("tr[data-pupil='" + pupil + "']");
      if (!row) {
        return;
      }
      var figures = averages[pupil];
      ["count", "simple", "weighted", "proposal", "saved"].forEach(function (name) {
        var cell = row.querySelector("[data-summary='" + name + "']");
        if (cell) {
          cell.textContent = String(figures[name]);
        }
      });
      row.querySelector("[data-summary='count']").classList.toggle("jg-few", figures.too_few);
    });
  }

  // --- events -------------------------------------------------------------------------------

  var MOVES = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1]};

  function onKey(event) {
    var cell = event.target.closest ? event.target.closest("td.jg-c") : null;
    if (!cell || event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var key = event.key;
    if (MOVES[key]) {
      commit();
      move(MOVES[key][0], MOVES[key][1]);
    } else if (key === "Tab") {
      commit();
      if (!move(0, event.shiftKey ? -1 : 1, "wrap")) {
        save();
        return;  // the grid's edge: Tab leaves the grid as usual
      }
    } else if (key === "Enter") {
      commit();
      move(1, 0);
    } else if (key === "Escape") {
      cancel();
    } else if (key === "Delete") {
      cancel();
      clear(cell);
    } else if (key === "Backspace") {
      backspace(cell);
    } else if (key === "F2") {
      type(cell, "");
      if (editing) {
        editing.text = currentValue(cell);
        cell.textContent = editing.text;
      }
    } else if (key.length === 1 && (key !== " " || editing)) {
      type(cell, key);
    } else if (key !== " ") {
      return;
    }
    event.preventDefault();
  }

  table.addEventListener("keydown", onKey);
  table.addEventListener("focusin", function (event) {
    var cell = event.target.closest ? event.target.closest("td.jg-c") : null;
    if (cell && cell !== active) {
      if (editing && editing.cell !== cell) {
        commit();
      }
      activate(cell, false);
    }
  });
  table.addEventListener("focusout", function (event) {
    if (!event.relatedTarget || !table.contains(event.relatedTarget)) {
      commit();
      save();  // leaving the grid: send what is typed now
    }
  });
  table.addEventListener("dblclick", function (event) {
    var mark = event.target.closest ? event.target.closest("[data-mark]") : null;
    if (mark) {
      window.location.href = data.markUrl + mark.dataset.mark;
    }
  });
  if (kindSelect) {
    kindSelect.addEventListener("change", function () {
      if (active && editable(active)) {
        heads[active.jgCol].dataset.kind = kindSelect.value;
        active.focus();
      }
    });
  }
  window.addEventListener("beforeunload", function (event) {
    commit();
    if (Object.keys(pending).length || sending) {
      save(true);
      event.preventDefault();
      event.returnValue = data.msgLeave;
      return data.msgLeave;
    }
    return undefined;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      commit();
      save(true);
    }
  });

  var start = table.querySelector("td.jg-today:not(.jg-ro)") || table.querySelector("td.jg-c:not(.jg-ro)") ||
    cellAt(0, 0);
  if (start) {
    activate(start, false);
    // Open on today's lessons: scroll the grid so the starting cell is in the middle.
    var wrap = table.parentElement;
    wrap.scrollLeft = Math.max(0, start.offsetLeft - wrap.clientWidth / 2);
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-jg-toolbar], [data-jg-help]"), function (node) {
    node.hidden = false;
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-jg-nojs]"), function (node) {
    node.hidden = true;
  });
})();
