/* Charts of smartsmm, drawn with the vendored Apache ECharts.
 * Each chart is an element with data-chart="<kind>" and data-source="<id of a json_script>";
 * the server renders the data, this file only draws it. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "ru";
  var ru = lang.indexOf("ru") === 0;
  var WEEKDAYS = ru ? ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"] : ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  var fmt = new Intl.NumberFormat(ru ? "ru-RU" : "en-US", { maximumFractionDigits: 2 });
  var monthName = new Intl.DateTimeFormat(ru ? "ru-RU" : "en-US", { month: "short" });
  // ECharts names months in English whatever the page's language; label time axes ourselves:
  // the year on 1 January, the month on the 1st, the day otherwise.
  var timeAxisLabel = {
    hideOverlap: true,
    formatter: function (value) {
      var d = new Date(value);
      if (d.getMonth() === 0 && d.getDate() === 1) { return "{year|" + d.getFullYear() + "}"; }
      if (d.getDate() === 1) { return "{month|" + monthName.format(d).replace(".", "") + "}"; }
      return String(d.getDate());
    },
    rich: { year: { fontWeight: "bold" }, month: { fontWeight: "bold" } }
  };

  function data(el) {
    var node = document.getElementById(el.dataset.source);
    return node ? JSON.parse(node.textContent) : null;
  }

  function goalChart(d) {
    var actual = (d.series.dates || []).map(function (x, i) { return [x, d.series.values[i]]; });
    var plan = d.plan.baseline === null ? [] : [[d.plan.start, d.plan.baseline], [d.plan.deadline, d.plan.target]];
    var fan = (d.fan || []).slice();
    // The fan starts where the facts end, so the two read as one line.
    if (fan.length && actual.length) {
      var last = actual[actual.length - 1];
      fan.unshift({ date: last[0], p10: last[1], p50: last[1], p90: last[1] });
    }
    var lower = fan.map(function (p) { return [p.date, p.p10]; });
    var band = fan.map(function (p) { return [p.date, p.p90 - p.p10]; });
    var median = fan.map(function (p) { return [p.date, p.p50]; });
    return {
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : fmt.format(v); } },
      legend: { top: 0, data: [ru ? "Факт" : "Actual", ru ? "План" : "Plan", ru ? "Медиана прогноза" : "Forecast median", ru ? "p10–p90" : "p10–p90"] },
      grid: { left: 70, right: 60, top: 40, bottom: 50 },
      xAxis: { type: "time", axisLabel: timeAxisLabel },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: function (v) { return fmt.format(v); } } },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: [
        { name: ru ? "Факт" : "Actual", type: "line", data: actual, showSymbol: false, lineStyle: { width: 2, color: "#3355ff" }, itemStyle: { color: "#3355ff" } },
        { name: ru ? "План" : "Plan", type: "line", data: plan, showSymbol: true, lineStyle: { type: "dashed", color: "#1d2330" }, itemStyle: { color: "#1d2330" } },
        { name: "target", type: "line", data: actual.length ? [[actual[0][0], d.plan.target], [d.plan.deadline, d.plan.target]] : [], showSymbol: false, silent: true,
          lineStyle: { type: "dotted", color: "#d43c3c" }, tooltip: { show: false },
          endLabel: { show: true, formatter: ru ? "Цель" : "Target", color: "#d43c3c" } },
        { name: "lower", type: "line", data: lower, stack: "fan", showSymbol: false, lineStyle: { opacity: 0 }, tooltip: { show: false } },
        { name: "p10–p90", type: "line", data: band, stack: "fan", showSymbol: false, lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(51,85,255,0.18)" }, itemStyle: { color: "rgba(51,85,255,0.4)" }, tooltip: { show: false } },
        { name: ru ? "Медиана прогноза" : "Forecast median", type: "line", data: median, showSymbol: false, lineStyle: { type: "dashed", color: "#7f9bff" }, itemStyle: { color: "#7f9bff" } }
      ]
    };
  }

  function growthChart(all) {
    var d = all.growth;
    var followers = d.dates.map(function (x, i) { return [x, d.followers[i]]; });
    var net = d.dates.map(function (x, i) { return [x, d.net[i]]; });
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [ru ? "Подписчики" : "Followers", ru ? "Прирост за день" : "Daily net growth"] },
      grid: { left: 70, right: 60, top: 40, bottom: 30 },
      xAxis: { type: "time", axisLabel: timeAxisLabel },
      yAxis: [
        { type: "value", scale: true, axisLabel: { formatter: function (v) { return fmt.format(v); } } },
        { type: "value", splitLine: { show: false } }
      ],
      series: [
        { name: ru ? "Подписчики" : "Followers", type: "line", data: followers, showSymbol: false, lineStyle: { width: 2, color: "#3355ff" }, itemStyle: { color: "#3355ff" },
          markPoint: { symbol: "pin", symbolSize: 34, itemStyle: { color: "#d43c3c" }, label: { formatter: "!" },
            data: (d.anomalies || []).filter(function (a) { return a.value !== null; }).map(function (a) { return { coord: [a.date, a.value] }; }) } },
        { name: ru ? "Прирост за день" : "Daily net growth", type: "bar", yAxisIndex: 1, data: net,
          itemStyle: { color: function (p) { return p.value[1] < 0 ? "#d43c3c" : "#9fb2ff"; } } }
      ]
    };
  }

  function rhythmChart(all) {
    var r = all.rhythm;
    var weeks = Object.keys(r.weekly).sort();
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: weeks },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: weeks.map(function (w) { return r.weekly[w]; }), itemStyle: { color: "#3355ff" }, name: ru ? "Постов за неделю" : "Posts a week" }]
    };
  }

  function heatmapChart(all) {
    var h = all.heatmap;
    var cells = [];
    var values = [];
    for (var wd = 0; wd < 7; wd++) {
      for (var hr = 0; hr < 24; hr++) {
        var v = h.means[wd][hr];
        if (v !== null) { cells.push([hr, wd, +(v * 100).toFixed(2), h.counts[wd][hr]]); values.push(v * 100); }
      }
    }
    // A single viral post would make every other cell look the same pale colour: the scale tops out
    // at the 90th percentile of the cells instead of their maximum.
    values.sort(function (a, b) { return a - b; });
    var top = values.length ? values[Math.min(values.length - 1, Math.floor(values.length * 0.9))] : 1;
    return {
      animation: false,
      tooltip: { formatter: function (p) { return WEEKDAYS[p.value[1]] + " " + p.value[0] + ":00 — " + fmt.format(p.value[2]) + " % (" + p.value[3] + (ru ? " пост." : " posts") + ")"; } },
      grid: { left: 40, right: 70, top: 10, bottom: 30 },
      xAxis: { type: "category", data: Array.from({ length: 24 }, function (_, i) { return String(i); }), splitArea: { show: true } },
      yAxis: { type: "category", data: WEEKDAYS, inverse: true, splitArea: { show: true } },
      visualMap: { min: values.length ? values[0] : 0, max: top || 1, calculable: false, orient: "vertical", right: 0, top: "middle", itemHeight: 120, itemWidth: 12,
        text: ["ER", ""], formatter: function (v) { return fmt.format(v) + " %"; }, inRange: { color: ["#f1f4ff", "#9fb2ff", "#3355ff", "#15236b"] } },
      series: [{ type: "heatmap", data: cells, label: { show: false }, itemStyle: { borderColor: "#fff", borderWidth: 1 } }]
    };
  }

  var builders = { goal: goalChart, growth: growthChart, rhythm: rhythmChart, heatmap: heatmapChart };

  function draw(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      var d = data(el);
      if (!build || !d || !window.echarts) { return; }
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "svg" });
      chart.setOption(build(d), true);
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
})();
