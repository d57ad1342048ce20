// Query page: small conveniences over plain GET forms (the page works without this script).
// Ctrl+Enter in the SPARQL box runs it; the "datatypes" box shows or hides the badges at once.
(function () {
  "use strict";

  var editor = document.getElementById("query");
  var sparqlForm = document.getElementById("query-form");
  if (editor && sparqlForm) {
    editor.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        sparqlForm.submit();
      }
    });
  }

  // The badges are in the page only when asked: ticking the box asks the page again with it.
  document.querySelectorAll("input[name=datatypes]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.form) {
        box.form.submit();
      }
    });
  });
})();
