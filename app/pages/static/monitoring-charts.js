// The monitoring pages' charts (监测看板), drawn with the vendored Apache ECharts.
// Each chart's numbers are in a <script type="application/json"> block beside its table (the
// Content-Security-Policy runs no inline script; a JSON block is data, not script), named by
// the chart's data-chart attribute. Without script the tables say the same.
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") {
    return;
  }
  var palette = ["#1f5fa8", "#c0392b", "#2e8b57", "#d4a017", "#7b4fa0", "#16a2b8", "#8c564b"];

  function option(data) {
    var horizontal = data.kind === "bar" && data.categories.length > 6;
    var categoryAxis = { type: "category", data: data.categories, axisLabel: { interval: 0 } };
    var valueAxis = { type: "value", name: data.unit || "" };
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? Object.assign({}, categoryAxis, { inverse: true }) : valueAxis,
      series: data.series.map(function (one) {
        return {
          name: one.name,
          type: data.kind === "line" ? "line" : "bar",
          data: one.data,
          connectNulls: false,
          label: { show: data.kind === "bar" && data.series.length === 1, position: horizontal ? "right" : "top" }
        };
      })
    };
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    element.style.height = Math.max(280, data.kind === "bar" && data.categories.length > 6 ? data.categories.length * 28 : 0) + "px";
    var chart = window.echarts.init(element);
    chart.setOption(option(data));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var elements = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < elements.length; i += 1) {
      draw(elements[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
