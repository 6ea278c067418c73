type AnyFunction = (...args: any[]) => any;

/** A method decorator for both TypeScript 5 standard decorators and `experimentalDecorators`. */
export interface TraceDecorator {
  <T extends AnyFunction>(value: T, context: ClassMethodDecoratorContext): T;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}
