// Proves the module registry keeps module names and schemas unique and merges error catalogs, refusing one code defined two ways.
import { defineErrors, type ErrorCatalog } from '@zhirong/kernel';
import { ModuleRegistry, type ZhirongModule } from '@zhirong/platform';
import { describe, expect, it } from 'vitest';

function moduleNamed(name: string, schema: string, errors: ErrorCatalog = {}): ZhirongModule<{ name: string }> {
  return {
    name,
    migrations: { schema, migrations: {} },
    errors,
    createService: () => ({ name }),
  };
}

const notFound = { status: 404, en: 'Account not found', zh: '账户不存在' };

describe('ModuleRegistry', () => {
  it('lists modules in registration order', () => {
    const registry = new ModuleRegistry()
      .register(moduleNamed('ledger', 'ledger'))
      .register(moduleNamed('risk', 'risk'));
    expect(registry.list().map((m) => m.name)).toEqual(['ledger', 'risk']);
  });

  it('rejects a module name registered twice', () => {
    const registry = new ModuleRegistry().register(moduleNamed('ledger', 'ledger'));
    expect(() => registry.register(moduleNamed('ledger', 'ledger_v2'))).toThrow('module ledger registered twice');
    expect(registry.list()).toHaveLength(1);
  });

  it('rejects a schema owned by two modules', () => {
    const registry = new ModuleRegistry().register(moduleNamed('ledger', 'ledger'));
    expect(() => registry.register(moduleNamed('book', 'ledger'))).toThrow('schema ledger owned twice');
    expect(registry.list().map((m) => m.name)).toEqual(['ledger']);
  });

  it('merges the error catalogs of every module, naming the owner of each code', () => {
    const registry = new ModuleRegistry()
      .register(moduleNamed('ledger', 'ledger', defineErrors({ account_not_found: notFound })))
      .register(
        moduleNamed(
          'risk',
          'risk',
          defineErrors({ risk_rejected: { status: 422, en: 'Rejected by risk rules', zh: '风控拒绝' } }),
        ),
      );
    const catalog = registry.errorCatalog();
    expect([...catalog.keys()].sort()).toEqual(['account_not_found', 'risk_rejected']);
    expect(catalog.get('account_not_found')).toEqual({ module: 'ledger', ...notFound });
    expect(catalog.get('risk_rejected')).toMatchObject({ module: 'risk', status: 422 });
  });

  it('accepts a code two modules define identically, keeping its first owner', () => {
    const registry = new ModuleRegistry()
      .register(moduleNamed('ledger', 'ledger', { account_not_found: notFound }))
      .register(moduleNamed('credit', 'credit', { account_not_found: { ...notFound } }));
    expect(registry.errorCatalog().get('account_not_found')).toEqual({ module: 'ledger', ...notFound });
  });

  it.each([
    ['status', { ...notFound, status: 410 }],
    ['English message', { ...notFound, en: 'No such account' }],
    ['Chinese message', { ...notFound, zh: '找不到账户' }],
  ])('rejects a code two modules define with a different %s', (_, other) => {
    const registry = new ModuleRegistry()
      .register(moduleNamed('ledger', 'ledger', { account_not_found: notFound }))
      .register(moduleNamed('credit', 'credit', { account_not_found: other }));
    expect(() => registry.errorCatalog()).toThrow(
      'error code account_not_found defined differently by ledger and credit',
    );
  });
});
