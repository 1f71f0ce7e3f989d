// Opora hotline: progressive enhancements for the ticket page; it works without this file.
(function () {
  "use strict";

  // Agent panel: a canned reply chosen in <select data-canned-target="reply-body"> is inserted at the
  // cursor of the reply textarea; the texts come from <pre id="canned-reply-N"> in the panel.
  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart || 0;
    var end = textarea.selectionEnd || start;
    var before = textarea.value.slice(0, start);
    var separator = before && !/\n$/.test(before) ? "\n" : "";
    textarea.value = before + separator + text + textarea.value.slice(end);
    var caret = start + separator.length + text.length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUpCannedReplies() {
    document.querySelectorAll("select[data-canned-target]").forEach(function (select) {
      var fallback = select.getAttribute("data-canned-fallback");
      var target = document.getElementById(select.getAttribute("data-canned-target")) ||
        (fallback ? document.querySelector(fallback) : null);
      if (!target) {
        return; // no reply form on this page (closed or merged ticket): keep the picker hidden
      }
      var picker = select.closest("[data-canned-picker]");
      if (picker) {
        picker.classList.remove("d-none");
      }
      select.addEventListener("change", function () {
        var source = select.value ? document.getElementById(select.value) : null;
        if (source) {
          insertAtCursor(target, source.textContent);
        }
        select.value = "";
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpCannedReplies);
  } else {
    setUpCannedReplies();
  }
})();
