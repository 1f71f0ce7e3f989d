// New ticket: while the subject is typed, show guides that may already answer it, and remember in the
// hidden «seen_articles» input which ones were shown (the ticket records them). Without it the form works.
(function () {
  "use strict";
  var box = document.querySelector("[data-kb-suggestions]");
  if (!box || !window.fetch) {
    return;
  }
  var input = document.getElementById(box.getAttribute("data-source"));
  var seenInput = document.getElementById(box.getAttribute("data-seen"));
  var list = box.querySelector("ul");
  if (!input || !seenInput || !list) {
    return;
  }
  var seen = seenInput.value ? seenInput.value.split(",").filter(Boolean) : [];
  var timer = null;
  var latest = 0;

  function remember(slug) {
    if (seen.indexOf(slug) === -1) {
      seen.push(slug);
      seenInput.value = seen.join(",");
    }
  }

  function show(articles) {
    list.textContent = "";
    articles.forEach(function (article) {
      // Only links into this site: the address comes from the server, but check it anyway.
      if (typeof article.url !== "string" || article.url.charAt(0) !== "/" || article.url.charAt(1) === "/") {
        return;
      }
      var link = document.createElement("a");
      link.href = article.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = article.title;
      link.setAttribute("data-slug", article.slug);
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
      remember(article.slug);
    });
    box.classList.toggle("d-none", !list.children.length);
  }

  function lookUp() {
    var text = input.value.trim();
    var request = ++latest;
    if (text.length < 3) {
      show([]);
      return;
    }
    fetch(box.getAttribute("data-url") + "?q=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) {
      return response.ok ? response.json() : {articles: []};
    }).then(function (data) {
      if (request === latest) {  // an older, slower answer must not replace a newer one
        show(Array.isArray(data.articles) ? data.articles : []);
      }
    }).catch(function () { /* suggestions are optional: keep the form as it is */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 300);
  });
  if (input.value.trim()) {
    lookUp();
  }
})();
