/* Search suggestions as one types, and a "pick a job" field for forms.
 *
 * Without JavaScript, every search box is a plain GET form to /search; this script only adds a
 * list of suggestions (an ARIA 1.2 combobox: the input has role=combobox, aria-expanded,
 * aria-controls and aria-activedescendant; the list has role=listbox and its items role=option).
 * It asks GET /search?q=...&limit=8 with "Accept: application/json" (a ranked list of
 * {"iri", "label", "type", "edition", "key", "href"}), 150 ms after the last keystroke.
 * Keys: Down/Up move through the suggestions, Enter opens the one chosen (or submits the form
 * when none is), Escape closes the list (a second Escape clears the field), Tab leaves it.
 *
 * Two kinds of fields:
 *
 *   <input type="search" name="q" data-search-suggest>
 *       a search box: choosing a suggestion opens its page (href).
 *
 *   <input name="job" data-search-pick="job">
 *       a picker inside a form: choosing a suggestion fills the field with the item's key and
 *       stays on the page. data-search-pick names the kinds offered: "job" (the key is
 *       <edition>/<number>, e.g. cigref-2018/2.6), "competence" (the e-CF code, e.g. B.1),
 *       a comma-separated list of kinds (job, competence, esco-occupation, rome-fiche;
 *       the key of an ESCO occupation or ROME fiche is its IRI), or "" for every kind.
 *       Add data-search-fill="iri" to fill the field with the IRI instead of the key.
 *       (data-search-url="..." on any field asks another address than the header form's.)
 *       The field gets a "change" event, and the chosen item is in its dataset:
 *       data-picked-iri and data-picked-label. Pickers added later are set up too when
 *       window.nomengraphSearch.attach(input) is called.
 *
 * Texts shown by the script (kinds of results, "no result") are read from the
 * data-search-texts attribute of the header's search form, in the page's language.
 */
(function () {
  "use strict";

  var DELAY = 150;
  var LIMIT = 8;
  var counter = 0;
  var texts = {
    "job": "Job",
    "competence": "e-CF competence",
    "esco-occupation": "ESCO occupation",
    "rome-fiche": "ROME fiche",
    "none": "No result",
    "suggestions": "Suggestions"
  };

  function readTexts() {
    var form = document.querySelector("form.search-box[data-search-texts]");
    if (!form) { return; }
    try {
      var given = JSON.parse(form.getAttribute("data-search-texts"));
      Object.keys(given).forEach(function (k) { texts[k] = given[k]; });
    } catch (e) { /* keep the English texts */ }
  }

  function searchUrl(input) {
    if (input.hasAttribute("data-search-url")) { return input.getAttribute("data-search-url"); }
    var form = document.querySelector("form.search-box");
    return (form && form.getAttribute("action")) || "/search";
  }

  function attach(input) {
    if (!input || input.getAttribute("role") === "combobox") { return; }
    var pick = input.hasAttribute("data-search-pick");
    var kinds = pick ? (input.getAttribute("data-search-pick") || "") : "";
    var id = "search-list-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "search-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", texts.suggestions);
    list.hidden = true;
    var wrap = document.createElement("div");
    wrap.className = "search-combo";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    input.setAttribute("autocomplete", "off");

    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(n) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === n ? "true" : "false"); });
      active = n;
      if (n >= 0 && options[n]) {
        input.setAttribute("aria-activedescendant", options[n].id);
        options[n].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(n) {
      var item = items[n];
      if (!item) { return; }
      if (pick) {
        input.value = input.getAttribute("data-search-fill") === "iri" ? item.iri : item.key;
        input.dataset.pickedIri = item.iri;
        input.dataset.pickedLabel = item.label;
        close();
        input.dispatchEvent(new Event("change", { bubbles: true }));
      } else {
        window.location.href = item.href;
      }
    }

    function show(found) {
      items = found;
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!found.length) {
        var empty = document.createElement("li");
        empty.className = "search-empty";
        empty.setAttribute("role", "option");
        empty.setAttribute("aria-disabled", "true");
        empty.id = id + "-none";
        empty.textContent = texts.none;
        list.appendChild(empty);
      }
      found.forEach(function (item, n) {
        var li = document.createElement("li");
        li.id = id + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "search-label";
        label.textContent = item.label;
        var meta = document.createElement("span");
        meta.className = "search-meta";
        var code = item.type === "job" || item.type === "competence" ? item.key : "";
        meta.textContent = [texts[item.type] || item.type, item.edition, code]
          .filter(Boolean).join(" · ");
        li.appendChild(label);
        li.appendChild(meta);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(n); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var q = input.value.trim();
      if (!q) { close(); items = []; return; }
      var ticket = ++asked;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      var url = searchUrl(input) + "?q=" + encodeURIComponent(q.slice(0, 200)) + "&limit=" + LIMIT;
      if (kinds) { url += "&type=" + encodeURIComponent(kinds); }
      fetch(url, {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (r) {
        return r.ok ? r.json() : [];
      }).then(function (found) {
        if (ticket === asked && document.activeElement === input) { show(found); }
      }).catch(function () { /* aborted or offline: the form still works */ });
    }

    input.addEventListener("input", function () {
      if (pick) { delete input.dataset.pickedIri; delete input.dataset.pickedLabel; }
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      var open = !list.hidden && items.length > 0;
      if (e.key === "ArrowDown") {
        if (list.hidden) { ask(); return; }
        if (open) { highlight(active + 1 >= items.length ? 0 : active + 1); }
        e.preventDefault();
      } else if (e.key === "ArrowUp") {
        if (open) { highlight(active <= 0 ? items.length - 1 : active - 1); }
        e.preventDefault();
      } else if (e.key === "Enter") {
        if (open && active >= 0) { e.preventDefault(); choose(active); }
      } else if (e.key === "Escape") {
        if (!list.hidden) { close(); e.preventDefault(); } else if (!pick) { input.value = ""; }
      } else if (e.key === "Tab") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function start() {
    readTexts();
    document.querySelectorAll("input[data-search-suggest], input[data-search-pick]").forEach(attach);
  }

  window.nomengraphSearch = { attach: attach };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
