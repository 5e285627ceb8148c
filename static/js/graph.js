/* The deal network, drawn with Cytoscape from the JSON at the container's data-url.
 *
 * The page reads without this script: every network container has a table or a list of
 * links beside it. The script only adds the picture. Selecting a node or a line opens its
 * page. On /graph/ the filter form redraws the network in place.
 */
(function () {
  "use strict";

  // The same colours as the status badges in site.css.
  var STATUS_COLOURS = {
    rumored: "#6b4fa0",
    reported: "#8a5a00",
    announced: "#0b5cad",
    signed: "#1f7a3a",
    in_delivery: "#0f6b6b",
    completed: "#2d3a45",
    cancelled: "#b3261e"
  };
  var FONT = 'system-ui, "Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", sans-serif';

  function scale(value, max, low, high) {
    if (!max || !value) { return low; }
    return low + (high - low) * Math.sqrt(value / max);
  }

  function elements(data, sizeBy) {
    var maxNode = 0;
    var maxEdge = 0;
    data.nodes.forEach(function (n) { maxNode = Math.max(maxNode, n[sizeBy] || 0); });
    data.edges.forEach(function (e) { maxEdge = Math.max(maxEdge, e[sizeBy] || 0); });
    var nodes = data.nodes.map(function (n) {
      return {
        group: "nodes",
        data: {
          id: n.id, label: n.label, url: n.url,
          size: scale(n[sizeBy], maxNode, 20, 52)
        }
      };
    });
    var edges = data.edges.map(function (e) {
      return {
        group: "edges",
        data: {
          id: e.id, source: e.source, target: e.target, label: e.label, url: e.url,
          colour: STATUS_COLOURS[e.status] || "#4a525c",
          width: scale(e[sizeBy], maxEdge, 1.5, 8),
          arrow: e.directed ? "triangle" : "none",
          line: e.status === "rumored" || e.status === "reported" ? "dashed" : "solid"
        }
      };
    });
    return nodes.concat(edges);
  }

  function style() {
    return [
      {
        selector: "node",
        style: {
          "background-color": "#1a1d21",
          "label": "data(label)",
          "width": "data(size)",
          "height": "data(size)",
          "font-family": FONT,
          "font-size": 13,
          "color": "#1a1d21",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "wrap",
          "text-max-width": 120,
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": 2
        }
      },
      { selector: "node.highlight", style: { "background-color": "#0b5cad", "border-width": 4, "border-color": "#ffbf47" } },
      {
        selector: "edge",
        style: {
          "width": "data(width)",
          "line-color": "data(colour)",
          "line-style": "data(line)",
          "target-arrow-color": "data(colour)",
          "target-arrow-shape": "data(arrow)",
          "curve-style": "bezier",
          "opacity": 0.85
        }
      },
      { selector: "edge:selected, edge.hover", style: { "opacity": 1, "label": "data(label)", "font-size": 11, "font-family": FONT, "text-rotation": "autorotate", "text-background-color": "#ffffff", "text-background-opacity": 0.9 } }
    ];
  }

  function query(form) {
    if (!form) { return ""; }
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "size" || !field.value) { return; }
      params.append(field.name, field.value);
    });
    var text = params.toString();
    return text;
  }

  function sizeBy(form) {
    var field = form && form.elements.namedItem("size");
    return field && field.value === "usd" ? "usd" : "gpus";
  }

  function join(url, extra) {
    if (!extra) { return url; }
    return url + (url.indexOf("?") < 0 ? "?" : "&") + extra;
  }

  function draw(container, data, form) {
    container.classList.add("network-drawn");
    container.textContent = "";  // the message for readers without JavaScript
    var cy = window.cytoscape({
      container: container,
      elements: elements(data, sizeBy(form)),
      style: style(),
      layout: { name: data.nodes.length > 2 ? "cose" : "grid", animate: false, padding: 30, nodeRepulsion: 9000, idealEdgeLength: 110 },
      minZoom: 0.2,
      maxZoom: 3
    });
    var highlight = container.getAttribute("data-highlight");
    if (highlight) { cy.getElementById(highlight).addClass("highlight"); }
    cy.on("tap", "node, edge", function (event) {
      var url = event.target.data("url");
      if (url) { window.location.assign(url); }
    });
    cy.on("mouseover", "edge", function (event) { event.target.addClass("hover"); container.style.cursor = "pointer"; });
    cy.on("mouseout", "edge", function (event) { event.target.removeClass("hover"); container.style.cursor = ""; });
    cy.on("mouseover", "node", function () { container.style.cursor = "pointer"; });
    cy.on("mouseout", "node", function () { container.style.cursor = ""; });
    container.setAttribute("data-nodes", String(data.nodes.length));
    container.setAttribute("data-edges", String(data.edges.length));
    container.setAttribute("data-ready", "true");
    return cy;
  }

  function load(container) {
    var form = container.getAttribute("data-form") ? document.getElementById(container.getAttribute("data-form")) : null;
    // The note and button under the drawing (templates/deals/_network_more.html), if any.
    var more = document.querySelector('[data-more-for="' + container.id + '"]');
    var moreButton = more && more.querySelector("[data-more-button]");
    var instance = null;
    var lastData = null;
    var limit = null;  // the server's first size, until the reader asks for more

    function showMore(data) {
      if (!more) { return; }
      // The JSON draws the most recent `limit` deals; `more` says the filters match others.
      var canDrawMore = Boolean(data.more) && data.limit < data.max_limit;
      more.hidden = !data.more;
      moreButton.hidden = !canDrawMore;
      moreButton.disabled = false;
      more.querySelector("[data-more-max]").hidden = canDrawMore;
    }

    function refresh() {
      container.removeAttribute("data-ready");
      var extra = query(form);
      if (limit) { extra = (extra ? extra + "&" : "") + "limit=" + limit; }
      var url = join(container.getAttribute("data-url"), extra);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          lastData = data;
          if (instance) { instance.destroy(); }
          instance = draw(container, data, form);
          container.setAttribute("data-limit", String(data.limit));
          showMore(data);
          window.dealNetwork = instance;
        })
        .catch(function () {
          container.setAttribute("data-ready", "error");
          if (moreButton) { moreButton.disabled = false; }
        });
    }
    if (moreButton) {
      moreButton.addEventListener("click", function () {
        if (!lastData) { return; }
        moreButton.disabled = true;
        limit = Math.min(lastData.limit * 2, lastData.max_limit);
        refresh();
      });
    }
    if (form && form.elements.namedItem("size")) {
      // Filters reload the page (so the tables, charts and timeline follow); the size only
      // changes the drawing, so it redraws in place and keeps the address in step.
      form.elements.namedItem("size").addEventListener("change", function () {
        if (!lastData) { return; }
        if (instance) { instance.destroy(); }
        instance = draw(container, lastData, form);
        window.dealNetwork = instance;
        var params = new URLSearchParams(window.location.search);
        params.set("size", sizeBy(form));
        window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
      });
    }
    refresh();
  }

  function start() {
    if (typeof window.cytoscape !== "function" || !window.fetch) { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".network[data-url]"), load);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
