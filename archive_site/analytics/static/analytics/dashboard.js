// Draws the impact dashboard's charts with ECharts from the numbers the page carries as JSON.
(function () {
  "use strict";
  var source = document.getElementById("impact-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#295f9e", "#cc6b1a", "#338f54", "#8c4599"];
  var charts = [];

  function draw(element, option) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    option.color = colours;
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }

  function days(element) {
    var keys = Object.keys(data.series);
    draw(element, {
      tooltip: { trigger: "axis" },
      legend: { data: keys.map(function (k) { return data.seriesLabels[k]; }) },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: keys.map(function (k) {
        return { name: data.seriesLabels[k], type: "line", data: data.series[k], showSymbol: false };
      }),
    });
  }

  function bars(element, rows) {
    var ordered = rows.slice(0, 10).reverse();
    draw(element, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 10, bottom: 20, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        data: ordered.map(function (r) { return r[0]; }),
        axisLabel: { width: 180, overflow: "truncate" },
      },
      series: [{ type: "bar", data: ordered.map(function (r) { return r[1]; }), label: { show: true, position: "right" } }],
    });
  }

  function pie(element, rows) {
    draw(element, {
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{
        type: "pie",
        radius: ["35%", "65%"],
        data: rows.map(function (r) { return { name: r[0], value: r[1] }; }),
        label: { formatter: "{b}: {d}%" },
      }],
    });
  }

  document.querySelectorAll("[data-impact-chart]").forEach(function (element) {
    var key = element.dataset.impactChart;
    if (key === "days") {
      days(element);
    } else if (key === "devices") {
      pie(element, data.top[key]);
    } else {
      bars(element, data.top[key]);
    }
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
