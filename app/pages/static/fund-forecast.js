/* The office fund page's run-out forecast chart, drawn with the vendored ECharts from the
   figures the page also shows as a table (#forecast-table); no inline script, no CDN.
   Money arrives as integer fen and is drawn in 万元. */
(function () {
  "use strict";

  var WAN = 1000000; // fen in 10,000 yuan

  function wan(values) {
    return values.map(function (fen) {
      return fen === null ? null : Math.round(fen / 100) / 10000;
    });
  }

  function money(fen) {
    return fen === null ? "—" : (fen / WAN).toFixed(2) + " 万元";
  }

  function describe(data, i) {
    var lines = [data.months[i]];
    if (data.paid[i] !== null) {
      lines.push("实际代偿 " + money(data.paid[i]));
    }
    if (data.expected[i] !== null) {
      lines.push("预计代偿 " + money(data.expected[i]));
      lines.push("90% 区间 " + money(data.low[i]) + " – " + money(data.high[i]));
      lines.push("预计剩余资金 " + money(data.remaining[i]));
    }
    return lines.join("\n");
  }

  function draw(element) {
    var data = JSON.parse(element.getAttribute("data-forecast"));
    var low = wan(data.low);
    var width = data.high.map(function (high, i) {
      return high === null ? null : (high - data.low[i]) / WAN;
    });
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      // Drawn on the canvas: an HTML tooltip would write style attributes the CSP refuses.
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        formatter: function (params) {
          return describe(data, params[0].dataIndex);
        }
      },
      legend: {
        top: 0,
        type: "scroll",
        data: ["实际代偿", "预计代偿", "90% 区间", "预计剩余资金"]
      },
      grid: { left: 56, right: 64, top: 80, bottom: 40 },
      xAxis: { type: "category", data: data.months },
      yAxis: [
        { type: "value", name: "代偿（万元）" },
        { type: "value", name: "资金（万元）", splitLine: { show: false } }
      ],
      series: [
        { name: "实际代偿", type: "bar", data: wan(data.paid), itemStyle: { color: "#5b6b7a" } },
        {
          name: "90% 下沿", type: "line", stack: "band", data: low, symbol: "none",
          lineStyle: { opacity: 0 }, tooltip: { show: false }
        },
        {
          name: "90% 区间", type: "line", stack: "band", data: width, symbol: "none",
          lineStyle: { opacity: 0 }, areaStyle: { color: "#c9d8ee" }, itemStyle: { color: "#c9d8ee" }
        },
        {
          name: "预计代偿", type: "line", data: wan(data.expected), symbol: "circle",
          itemStyle: { color: "#1f5fa8" }
        },
        {
          name: "预计剩余资金", type: "line", yAxisIndex: 1, data: wan(data.remaining),
          symbol: "none", lineStyle: { type: "dashed" }, itemStyle: { color: "#b3541e" }
        }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("forecast-chart");
    if (element && window.echarts) {
      draw(element);
    }
  });
})();
