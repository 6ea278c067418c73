/// <reference lib="dom" />
// The viewer page's entry: the header, the live feed and the router that swaps the list and trace views.
import { h, replace } from './dom.js';
import { startLive } from './live.js';
import { type Route, startRouter } from './router.js';
import { showTraceList } from './trace-list.js';
import { showTrace, type TraceView } from './trace-view.js';

function main(): void {
  const live = h('span', { class: 'live', 'data-state': 'connecting' });
  const content = h('main', { id: 'content' });
  replace(
    document.body,
    h(
      'header',
      { class: 'top' },
      h('a', { href: '#/', class: 'brand' }, h('span', { class: 'logo' }, '◫'), ' Glassbox'),
      h('span', { class: 'muted' }, 'traces of GenAI apps'),
      h('span', { class: 'spacer' }),
      live,
    ),
    content,
  );
  startLive(live);

  let stopList: (() => void) | undefined;
  let trace: TraceView | undefined;
  startRouter((route: Route) => {
    if (route.page === 'trace' && trace && trace.traceId === route.traceId) {
      trace.show(route.spanId);
      return;
    }
    stopList?.();
    stopList = undefined;
    trace?.dispose();
    trace = undefined;
    delete content.dataset.loaded;
    if (route.page === 'list') {
      document.title = 'Glassbox: traces';
      stopList = showTraceList(content, route.filters);
    } else {
      document.title = `Glassbox: trace ${route.traceId.slice(0, 8)}`;
      trace = showTrace(content, route.traceId, route.spanId, route.filters);
    }
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
