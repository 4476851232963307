// Hotline console: the dashboard's charts. Each element with data-chart holds
// its data as JSON ({kind, title, categories, series}); the same numbers are
// in the table beside it, which is what screen readers and keyboards use.
// Loaded on the dashboard only, after echarts.common.min.js.
(function () {
  "use strict";
  if (!window.echarts) return;
  var reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // lines differ by dash and marker, bars and slices by pattern (decal), so
  // that no series is told apart by colour alone
  var dashes = ["solid", "dashed", "dotted"];
  var symbols = ["circle", "rect", "triangle"];

  function option(d) {
    var o = {
      animation: !reduce,
      aria: { enabled: true, decal: { show: true } },
      title: { text: d.title, left: 0, textStyle: { fontSize: 14 } },
      tooltip: { trigger: d.kind === "pie" ? "item" : "axis", renderMode: "richText" },
      legend: { top: 24 },
      textStyle: { fontFamily: '"Noto Sans CJK SC", "Source Han Sans SC", sans-serif' }
    };
    if (d.kind === "pie") {
      o.series = [{
        type: "pie", name: d.series[0].name, radius: ["30%", "60%"], top: 40,
        data: d.categories.map(function (c, i) { return { name: c, value: d.series[0].data[i] }; }),
        label: { formatter: "{b}:{c}" }
      }];
      return o;
    }
    o.grid = { top: 64, left: 8, right: 16, bottom: 8, containLabel: true };
    o.xAxis = { type: "category", data: d.categories };
    o.yAxis = { type: "value", minInterval: 1 };
    o.series = d.series.map(function (s, i) {
      var x = { type: d.kind, name: s.name, data: s.data };
      if (d.kind === "line") {
        x.symbol = symbols[i % symbols.length];
        x.symbolSize = 7;
        x.lineStyle = { type: dashes[i % dashes.length], width: 2 };
      }
      return x;
    });
    return o;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d;
    try { d = JSON.parse(el.getAttribute("data-chart")); } catch (e) { return; }
    var c = window.echarts.init(el, null, { renderer: "canvas" });
    c.setOption(option(d));
    charts.push(c);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
