/*
 * Draws the charts and maps of a page from the JSON each <figure data-chart="ID"> carries in
 * <script id="ID" type="application/json">. The page already shows the same figures as tables, so
 * without this script (or if drawing fails) nothing is lost. Loaded on pages with charts, after
 * Chart.js and chartjs-chart-geo (static/vendor/).
 *
 * Each chart drawn gets a "Download PNG" button (made here, so it exists only when the chart does): the
 * canvas on an opaque white background, whatever the page's theme, under the chart's title and the date of
 * its data, saved as e.g. "timeline-china-2024-07-02.png". A figure may name these itself
 * (data-download-title, data-download-name, data-download-date, data-download-date-label); otherwise they
 * come from its headings and the page's data-date line (or its as_of).
 */
(function () {
  "use strict";

  var COLOURS = ["#1f6fb2", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#17a2b8", "#6c757d", "#a0522d"];

  function data(figure) {
    var script = document.getElementById(figure.dataset.chart);
    return script ? JSON.parse(script.textContent) : null;
  }

  function show(figure) {
    var holder = figure.querySelector(".chart-canvas");
    holder.hidden = false;
    var details = figure.querySelector("details.chart-data");
    if (details) {
      details.open = false; // the table stays one click away, as the chart's text equivalent
    }
    figure.dataset.rendered = "true";
    addPngButton(figure);
    return holder.querySelector("canvas");
  }

  // Download PNG -------------------------------------------------------------------------------------

  var ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

  function slug(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "") || "chart";
  }

  function textOf(element) {
    return element ? element.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // What the image says and is called: its title, the date of its data in words, and its file name.
  function pngInfo(figure) {
    var dataset = figure.dataset;
    var asOf = new URLSearchParams(window.location.search).get("as_of") || "";
    asOf = ISO_DAY.test(asOf) ? asOf : "";
    var dataDay = document.querySelector(".data-date time[datetime]");
    var section = figure.closest("section");
    var heading = textOf(section && section.querySelector("h2"));
    var page = textOf(document.querySelector("main h1"));
    var title = dataset.downloadTitle || [heading, page].filter(Boolean).join(": ") || document.title;
    var day = dataset.downloadDate || asOf || (dataDay ? dataDay.getAttribute("datetime") : "");
    var label = dataset.downloadDateLabel ||
      (asOf ? "In force on " + asOf : textOf(document.querySelector(".data-date .data-date-source")));
    var name = slug(dataset.downloadName || [heading, page].filter(Boolean).join(" ") || title);
    return { title: title, label: label, file: name + (ISO_DAY.test(day) ? "-" + day : "") + ".png" };
  }

  function savePng(figure) {
    var canvas = figure.querySelector(".chart-canvas canvas");
    var info = pngInfo(figure);
    var ratio = canvas.width / (canvas.clientWidth || canvas.width) || 1;
    var pad = Math.round(16 * ratio);
    var titleSize = Math.round(18 * ratio);
    var labelSize = Math.round(13 * ratio);
    var header = pad + titleSize + Math.round(8 * ratio) + labelSize + pad;
    var out = document.createElement("canvas");
    out.width = canvas.width + 2 * pad;
    out.height = canvas.height + header + pad;
    var context = out.getContext("2d");
    context.fillStyle = "#ffffff"; // opaque, whatever the page's theme
    context.fillRect(0, 0, out.width, out.height);
    context.textBaseline = "top";
    context.fillStyle = "#1b1b1b";
    context.font = "bold " + titleSize + "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    context.fillText(info.title, pad, pad, out.width - 2 * pad);
    context.fillStyle = "#444444";
    context.font = labelSize + "px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
    context.fillText(info.label, pad, pad + titleSize + Math.round(8 * ratio), out.width - 2 * pad);
    context.drawImage(canvas, pad, header);
    out.toBlob(function (blob) {
      if (!blob) { return; }
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = info.file;
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
    }, "image/png");
  }

  function addPngButton(figure) {
    if (figure.querySelector("button.chart-png")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "chart-png outline secondary";
    button.textContent = "Download PNG";
    var title = pngInfo(figure).title;
    if (title) { button.setAttribute("aria-label", "Download PNG: " + title); }
    button.addEventListener("click", function () {
      try {
        savePng(figure);
      } catch (error) {
        console.error("chart not saved", error);
      }
    });
    var downloads = figure.querySelector(".chart-downloads");
    if (!downloads) {
      downloads = document.createElement("p");
      downloads.className = "chart-downloads";
      figure.querySelector(".chart-canvas").after(downloads);
    }
    downloads.prepend(button);
  }

  function bars(figure, spec) {
    var stacked = spec.type === "stacked";
    var horizontal = spec.type === "bar";
    var canvas = show(figure);
    canvas.parentElement.style.height = horizontal ? Math.max(160, spec.labels.length * 22) + "px" : "320px";
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            maxBarThickness: 48,
            backgroundColor: COLOURS[index % COLOURS.length],
          };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { display: spec.series.length > 1, position: "bottom" } },
      },
    });
  }

  function map(figure, spec) {
    return fetch(figure.dataset.topology)
      .then(function (response) { return response.json(); })
      .then(function (topology) {
        var byNumeric = {};
        var byName = {};
        spec.countries.forEach(function (row) {
          if (row.numeric) { byNumeric[row.numeric] = row; }
          byName[row.name] = row;
        });
        var features = ChartGeo.topojson.feature(topology, topology.objects.countries).features;
        // Three 110m shapes have no ISO id (Kosovo among them): join those by name.
        var rowOf = function (feature) {
          return byNumeric[feature.id] || byName[feature.properties.name] || null;
        };
        var canvas = show(figure);
        canvas.parentElement.style.height = "420px";
        var chart = new Chart(canvas, {
          type: "choropleth",
          data: {
            labels: features.map(function (f) { return f.properties.name; }),
            datasets: [{
              label: "Designations",
              outline: features,
              data: features.map(function (feature) {
                var row = rowOf(feature);
                // A log scale: one country holds thousands where most hold a handful.
                return { feature: feature, value: row ? Math.log10(row.count + 1) : 0, row: row };
              }),
            }],
          },
          options: {
            maintainAspectRatio: false,
            animation: false,
            showOutline: true,
            showGraticule: false,
            plugins: {
              legend: { display: false },
              tooltip: {
                callbacks: {
                  label: function (context) {
                    var row = context.raw.row;
                    return row ? row.name + ": " + row.count.toLocaleString() : context.raw.feature.properties.name + ": none";
                  },
                },
              },
            },
            scales: {
              projection: { axis: "x", projection: "equalEarth" },
              color: {
                axis: "x",
                interpolate: "blues",
                missing: "#eeeeee",
                legend: { position: "bottom-left", align: "right" },
                ticks: { callback: function (value) { return Math.round(Math.pow(10, value) - 1).toLocaleString(); } },
              },
            },
            onClick: function (event, elements) {
              if (!elements.length) { return; }
              var row = elements[0].element.$context.raw.row;
              if (row && row.url) { window.location.href = row.url; }
            },
          },
        });
        return chart;
      });
  }

  function draw(figure) {
    var spec = data(figure);
    if (!spec || typeof Chart === "undefined") { return; }
    try {
      if (spec.type === "map") {
        if (typeof ChartGeo === "undefined" || !spec.countries.length) { return; }
        map(figure, spec).catch(function (error) { console.error("map not drawn", error); });
      } else if (spec.labels && spec.labels.length) {
        bars(figure, spec);
      }
    } catch (error) {
      console.error("chart not drawn", error);
    }
  }

  document.querySelectorAll("figure[data-chart]").forEach(draw);
  // A part of the page htmx swapped in may hold charts of its own (the coordination overview's).
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("figure[data-chart]:not([data-rendered])").forEach(draw);
  });
})();
