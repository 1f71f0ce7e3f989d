// Hotline: the new-ticket form offers only the chosen hotline's categories (works without it too).
(function () {
  "use strict";
  var select = document.querySelector("[data-category-select]");
  var radios = document.querySelectorAll("input[name='queue']");
  if (!select || !radios.length) {
    return;
  }
  function chosenQueue() {
    var checked = document.querySelector("input[name='queue']:checked");
    return checked ? checked.value : "";
  }
  function update() {
    var queue = chosenQueue();
    select.querySelectorAll("optgroup[data-queue]").forEach(function (group) {
      var other = queue && group.getAttribute("data-queue") !== queue;
      group.hidden = other;
      group.disabled = other;
      if (other && group.contains(select.selectedOptions[0])) {
        select.value = "0";
      }
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
