// Opora: progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Confirm destructive actions: <form data-confirm="Текст вопроса">
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
