/* Renders the OpenAPI document of /api/v1 as a page: operations by tag, parameters, bodies, responses.
   Plain script, served locally (the Content-Security-Policy forbids inline scripts and other hosts).
   Every text from the document goes in with textContent, never as HTML. */
(function () {
  "use strict";

  var root = document.getElementById("api-docs");
  if (!root) {
    return;
  }
  var labels = JSON.parse(root.getAttribute("data-labels") || "{}");
  var spec = null;

  function label(key) {
    return labels[key] || key;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      if (arguments[i]) {
        parent.appendChild(arguments[i]);
      }
    }
    return parent;
  }

  function refName(ref) {
    return ref.split("/").pop();
  }

  function resolve(schema) {
    var seen = 0;
    while (schema && schema.$ref && seen < 20) {
      schema = spec.components.schemas[refName(schema.$ref)] || {};
      seen++;
    }
    return schema || {};
  }

  /* A short type text: «integer», «list of Ticket», «string or null», «one of: new, open». */
  function typeText(schema) {
    if (!schema) {
      return "";
    }
    if (schema.$ref) {
      return refName(schema.$ref);
    }
    if (schema["enum"]) {
      return label("one_of") + ": " + schema["enum"].join(", ");
    }
    if (schema["const"] !== undefined) {
      return JSON.stringify(schema["const"]);
    }
    var variants = schema.anyOf || schema.oneOf;
    if (variants) {
      var nullable = variants.some(function (v) { return v.type === "null"; });
      var others = variants.filter(function (v) { return v.type !== "null"; }).map(typeText);
      return others.join(" | ") + (nullable ? " " + label("nullable") : "");
    }
    if (schema.type === "array") {
      return label("array_of") + " " + typeText(schema.items);
    }
    var text = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type || "object");
    if (schema.format) {
      text += " (" + schema.format + ")";
    }
    var bounds = [];
    if (schema.minimum !== undefined) { bounds.push("≥ " + schema.minimum); }
    if (schema.maximum !== undefined) { bounds.push("≤ " + schema.maximum); }
    if (schema.maxLength !== undefined) { bounds.push("≤ " + schema.maxLength + " chars"); }
    if (schema.default !== undefined && schema.default !== null) { bounds.push("= " + JSON.stringify(schema.default)); }
    return bounds.length ? text + ", " + bounds.join(", ") : text;
  }

  function table(headers, rows) {
    var node = el("table", "table table-sm align-middle api-docs-table");
    var head = append(el("thead"), append.apply(null, [el("tr")].concat(headers.map(function (h) {
      return el("th", null, h);
    }))));
    var body = el("tbody");
    rows.forEach(function (cells) {
      var row = el("tr");
      cells.forEach(function (cell) {
        row.appendChild(cell instanceof Node ? append(el("td"), cell) : el("td", null, cell));
      });
      body.appendChild(row);
    });
    return append(node, head, body);
  }

  /* The fields of an object schema, and below them the models it refers to (each once). */
  function schemaBlock(schema, shown) {
    var block = el("div", "api-docs-schema");
    var name = schema.$ref ? refName(schema.$ref) : null;
    if (name && shown[name]) {
      return append(block, el("p", "small text-muted", "→ " + name));
    }
    if (name) {
      shown[name] = true;
    }
    var resolved = resolve(schema);
    var props = resolved.properties || {};
    var required = resolved.required || [];
    append(block, el("p", "fw-semibold mb-1", (name || typeText(resolved)) +
      (resolved.description ? " — " + resolved.description : "")));
    var keys = Object.keys(props);
    if (keys.length) {
      block.appendChild(table([label("name"), label("type"), label("required"), label("description")],
        keys.map(function (key) {
          var prop = props[key];
          return [el("code", null, key), typeText(prop), required.indexOf(key) >= 0 ? label("yes") : label("no"),
            prop.description || ""];
        })));
    }
    nestedRefs(resolved).forEach(function (ref) {
      block.appendChild(schemaBlock({ $ref: ref }, shown));
    });
    return block;
  }

  function nestedRefs(schema) {
    var found = [];
    (function walk(node) {
      if (!node || typeof node !== "object") {
        return;
      }
      if (node.$ref) {
        if (found.indexOf(node.$ref) < 0) { found.push(node.$ref); }
        return;
      }
      Object.keys(node).forEach(function (key) { walk(node[key]); });
    })(schema.properties || {});
    return found;
  }

  function parametersBlock(parameters) {
    return append(el("div"), el("h4", "h6 mt-3", label("parameters")),
      table([label("name"), label("in"), label("type"), label("required"), label("description")],
        parameters.map(function (p) {
          return [el("code", null, p.name), p["in"], typeText(p.schema), p.required ? label("yes") : label("no"),
            p.description || ""];
        })));
  }

  function bodyBlock(requestBody) {
    var block = append(el("div"), el("h4", "h6 mt-3", label("request_body")));
    Object.keys(requestBody.content || {}).forEach(function (type) {
      block.appendChild(el("p", "small mb-1", type));
      block.appendChild(schemaBlock(requestBody.content[type].schema, {}));
    });
    return block;
  }

  function responsesBlock(responses) {
    var block = append(el("div"), el("h4", "h6 mt-3", label("responses")));
    var list = el("ul", "list-unstyled");
    var shown = {};
    Object.keys(responses).forEach(function (code) {
      var response = responses[code];
      var item = append(el("li", "mb-2"), el("span", "badge api-docs-status-" + code.charAt(0), code),
        el("span", "ms-2", response.description || ""));
      var content = response.content && response.content["application/json"];
      if (content && code.charAt(0) === "2") {
        item.appendChild(schemaBlock(content.schema, shown));
      }
      list.appendChild(item);
    });
    return append(block, list);
  }

  function access(operation) {
    if (!operation.security || !operation.security.length) {
      return label("no_auth");
    }
    return (operation.description || "").indexOf("«write»") >= 0 ? label("write_scope") : label("read_scope");
  }

  function operationBlock(method, path, operation) {
    var details = el("details", "api-docs-operation mb-2");
    details.id = "op-" + operation.operationId;
    var summary = append(el("summary"), el("span", "badge api-docs-method api-docs-" + method, method.toUpperCase()),
      el("code", "ms-2", path), el("span", "ms-2 text-muted", operation.summary || ""));
    append(details, summary, el("p", "small mt-2 mb-1", access(operation)));
    if (operation.description) {
      details.appendChild(el("p", "api-docs-description", operation.description));
    }
    if (operation.parameters && operation.parameters.length) {
      details.appendChild(parametersBlock(operation.parameters));
    }
    if (operation.requestBody) {
      details.appendChild(bodyBlock(operation.requestBody));
    }
    return append(details, responsesBlock(operation.responses || {}));
  }

  function render() {
    var byTag = {};
    Object.keys(spec.paths).forEach(function (path) {
      Object.keys(spec.paths[path]).forEach(function (method) {
        var operation = spec.paths[path][method];
        var tag = (operation.tags && operation.tags[0]) || "api";
        (byTag[tag] = byTag[tag] || []).push([method, path, operation]);
      });
    });
    Object.keys(byTag).sort().forEach(function (tag) {
      var section = append(el("section", "mb-4"), el("h3", "h5 mt-3 text-capitalize", tag));
      section.setAttribute("data-tag", tag);
      byTag[tag].forEach(function (entry) {
        section.appendChild(operationBlock(entry[0], entry[1], entry[2]));
      });
      root.appendChild(section);
    });
  }

  fetch(root.getAttribute("data-spec-url"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (doc) {
      spec = doc;
      render();
      root.setAttribute("data-rendered", "true");
    })
    .catch(function () {
      root.appendChild(el("p", "alert alert-warning", label("loading_failed")));
    });
})();
