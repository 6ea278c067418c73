// A scorers module that exports the wrong thing.
export default { hello: 'world' };
