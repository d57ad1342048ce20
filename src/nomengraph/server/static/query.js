// Query page: runs the query against the SPARQL endpoint with fetch() and shows the result.
// Plain JavaScript, no library; every value is inserted as text (never as HTML).
(function () {
  "use strict";

  var page = document.getElementById("query-page");
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var results = document.getElementById("results");
  if (!page || !form || !editor || !results) {
    return;
  }
  var endpoint = page.getAttribute("data-endpoint") || "/sparql";
  var idBase = page.getAttribute("data-id-base") || "";
  var localIdBase = page.getAttribute("data-local-id-base") || "/id/";
  var PREFIXES = [
    ["ng:", "https://w3id.org/nomengraph/def/"],
    ["skos:", "http://www.w3.org/2004/02/skos/core#"],
    ["rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
    ["rdfs:", "http://www.w3.org/2000/01/rdf-schema#"],
    ["owl:", "http://www.w3.org/2002/07/owl#"],
    ["xsd:", "http://www.w3.org/2001/XMLSchema#"],
    ["dcterms:", "http://purl.org/dc/terms/"],
    ["prov:", "http://www.w3.org/ns/prov#"]
  ];

  function el(name, text, className) {
    var node = document.createElement(name);
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function shorten(iri) {
    for (var i = 0; i < PREFIXES.length; i++) {
      if (iri.indexOf(PREFIXES[i][1]) === 0 && iri.length > PREFIXES[i][1].length) {
        return PREFIXES[i][0] + iri.slice(PREFIXES[i][1].length);
      }
    }
    return iri;
  }

  function localPath(iri) {
    if (!idBase || iri.indexOf(idBase) !== 0) {
      return null;
    }
    var rest = iri.slice(idBase.length);
    if (!/^[A-Za-z0-9_~-][A-Za-z0-9._~\/-]*$/.test(rest) || /(^|\/)\.\.?(\/|$)/.test(rest)) {
      return null;
    }
    return localIdBase + rest;
  }

  function cell(term) {
    var td = el("td");
    if (!term) {
      return td;
    }
    if (term.type === "uri") {
      var path = localPath(term.value);
      if (path) {
        var a = el("a", "id:" + term.value.slice(idBase.length));
        a.href = path;
        a.title = term.value;
        td.appendChild(a);
      } else {
        var code = el("code", shorten(term.value), "iri");
        code.title = term.value;
        td.appendChild(code);
      }
    } else if (term.type === "bnode") {
      td.appendChild(el("code", "_:" + term.value));
    } else {
      td.appendChild(el("span", term.value, "lit"));
      if (term["xml:lang"]) {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", term["xml:lang"], "lang"));
      } else if (term.datatype && term.datatype !== "http://www.w3.org/2001/XMLSchema#string") {
        td.appendChild(document.createTextNode(" "));
        td.appendChild(el("span", shorten(term.datatype), "dt"));
      }
    }
    return td;
  }

  function clear() {
    while (results.firstChild) {
      results.removeChild(results.firstChild);
    }
  }

  function showError(title, detail) {
    clear();
    var box = el("div", null, "error");
    box.appendChild(el("strong", title));
    if (detail) {
      box.appendChild(el("pre", detail));
    }
    results.appendChild(box);
  }

  function showJson(data, seconds) {
    clear();
    if (Object.prototype.hasOwnProperty.call(data, "boolean")) {
      var p = el("p", "ASK: ", "status");
      p.appendChild(el("strong", data["boolean"] ? "true" : "false"));
      results.appendChild(p);
      return;
    }
    var vars = (data.head && data.head.vars) || [];
    var rows = (data.results && data.results.bindings) || [];
    results.appendChild(
      el("p", rows.length + (rows.length === 1 ? " row" : " rows") + " in " + seconds + " s", "status")
    );
    var wrap = el("div", null, "table-wrap");
    var table = el("table", null, "data results-table");
    var head = el("thead");
    var tr = el("tr");
    vars.forEach(function (v) { tr.appendChild(el("th", v)); });
    head.appendChild(tr);
    table.appendChild(head);
    var body = el("tbody");
    rows.forEach(function (row) {
      var line = el("tr");
      vars.forEach(function (v) { line.appendChild(cell(row[v])); });
      body.appendChild(line);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    results.appendChild(wrap);
  }

  function showText(text, mediaType, seconds) {
    clear();
    results.appendChild(el("p", "Graph result (" + mediaType + ") in " + seconds + " s", "status"));
    results.appendChild(el("pre", text, "rdf"));
  }

  function run() {
    var query = editor.value;
    if (!query.trim()) {
      showError("Write a query first.");
      return;
    }
    clear();
    results.appendChild(el("p", "Running…", "status"));
    var started = Date.now();
    var body = new URLSearchParams();
    body.set("query", query);
    fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, text/turtle;q=0.9"
      },
      body: body.toString()
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) {
        var seconds = ((Date.now() - started) / 1000).toFixed(2);
        if (!response.ok) {
          showError("The query failed: " + response.status + " " + response.statusText, text);
          return;
        }
        if (type.indexOf("json") >= 0 && type.indexOf("ld+json") < 0) {
          var data;
          try {
            data = JSON.parse(text);
          } catch (e) {
            showError("The answer is not valid JSON.", String(e));
            return;
          }
          showJson(data, seconds);
        } else {
          showText(text, type.split(";")[0], seconds);
        }
      });
    }).catch(function (e) {
      showError("The server could not be reached.", String(e));
    });
    if (window.history && window.history.replaceState) {
      var url = form.getAttribute("action") + "?query=" + encodeURIComponent(query);
      if (url.length < 8000) {
        window.history.replaceState(null, "", url);
      }
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });

  var examples = document.querySelectorAll("a.example");
  Array.prototype.forEach.call(examples, function (link) {
    link.addEventListener("click", function (event) {
      var source = document.getElementById("example-" + link.getAttribute("data-name"));
      if (!source) {
        return;
      }
      event.preventDefault();
      editor.value = source.value;
      Array.prototype.forEach.call(examples, function (other) {
        other.classList.remove("chosen");
      });
      link.classList.add("chosen");
      editor.focus();
    });
  });
})();
