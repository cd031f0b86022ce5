/*
 * Draws the charts and maps of a page from the JSON each <figure data-chart="ID"> carries in
 * <script id="ID" type="application/json">. The page already shows the same figures as tables, so
 * without this script (or if drawing fails) nothing is lost. Loaded on pages with charts, after
 * Chart.js and chartjs-chart-geo (static/vendor/).
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
    return holder.querySelector("canvas");
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
