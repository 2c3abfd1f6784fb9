#!/usr/bin/env python3
"""Import circles among the modules of src/: a Tarjan SCC over `crate::` paths outside
#[cfg(test)] (issue 34). Prints the number of circles and each one."""
import os,re,sys
mods={}
for root,_,files in os.walk('src'):
    for f in files:
        if not f.endswith('.rs'): continue
        p=os.path.join(root,f); rel=p[4:-3]
        if rel.endswith('/mod'): rel=rel[:-4]
        if rel in ('lib','main'): continue
        mods[rel.replace('/','::')]=p
edges={m:set() for m in mods}
for m,p in mods.items():
    src=open(p).read()
    src=src.split('#[cfg(test)]')[0]
    for ref in re.findall(r'crate::([a-z_]+(?:::[a-z_]+)*)',src):
        parts=ref.split('::')
        best=None
        for k in range(len(parts),0,-1):
            cand='::'.join(parts[:k])
            if cand in mods: best=cand; break
        if best and best!=m: edges[m].add(best)
# tarjan
sys.setrecursionlimit(10000)
idx={};low={};st=[];on=set();out=[];c=[0]
def sc(v):
    idx[v]=low[v]=c[0];c[0]+=1;st.append(v);on.add(v)
    for w in edges[v]:
        if w not in idx: sc(w); low[v]=min(low[v],low[w])
        elif w in on: low[v]=min(low[v],idx[w])
    if low[v]==idx[v]:
        comp=[]
        while True:
            w=st.pop();on.discard(w);comp.append(w)
            if w==v: break
        if len(comp)>1: out.append(comp)
for v in edges:
    if v not in idx: sc(v)
print(len(out),'circles'); [print(x) for x in out]
