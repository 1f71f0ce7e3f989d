// Opora guides editor: the «Preview» button shows the text as readers will see it without leaving the
// page. The server renders and sanitizes the Markdown; without this file the button reloads the form
// with the preview instead.
(function () {
  "use strict";

  function setUpPreview() {
    var button = document.querySelector("[data-kb-preview]");
    var target = document.getElementById("kb-preview");
    var card = document.querySelector("[data-kb-preview-card]");
    if (!button || !target || !card) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var form = button.form;
      var data = new FormData();
      data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
      data.append("body", form.querySelector("[name=body]").value);
      fetch(button.getAttribute("data-kb-preview"), {
        method: "POST", body: data, credentials: "same-origin",
      }).then(function (response) {
        return response.text().then(function (text) {
          // The server's HTML is sanitized (markdown + nh3); an error comes back as plain text.
          if (response.ok) {
            target.innerHTML = text;
          } else {
            target.textContent = text;
          }
          card.classList.remove("d-none");
        });
      }).catch(function () {
        form.requestSubmit(button); // no connection to the script's endpoint: the server-side preview
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpPreview);
  } else {
    setUpPreview();
  }
})();
