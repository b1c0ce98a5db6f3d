;; Column kernels of the bootstrap's count route for two-stage interaction terms (pls/group-interaction.ts,
;; interactionFromWeights): passes over columns of n doubles (byte offsets 16-byte aligned, n a multiple of 2; the
;; caller pads), two rows per 128-bit operation. Each sum keeps two partial sums (even rows, odd rows) added at the
;; end, so results may differ from a row-by-row loop in the last bits only.
;; And one row kernel for the path tests' groups (interactionFromRows): productSums, two entries per operation.
;; Rebuild the bytes with `node scripts/build-wasm.mjs` (test/unit/shared/stats/count-moments.test.ts checks them).
(module
  (memory (export "memory") 1)

  ;; y += alpha * x
  (func (export "axpy") (param $n i32) (param $alpha f64) (param $x i32) (param $y i32)
    (local $end i32) (local $a v128)
    (local.set $a (f64x2.splat (local.get $alpha)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y)
          (f64x2.add (v128.load (local.get $y)) (f64x2.mul (local.get $a) (v128.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $rows))))

  ;; q = f * u * v, element by element
  (func (export "product3") (param $n i32) (param $f i32) (param $u i32) (param $v i32) (param $q i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $f) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $f) (local.get $end)))
        (v128.store (local.get $q)
          (f64x2.mul (f64x2.mul (v128.load (local.get $f)) (v128.load (local.get $u))) (v128.load (local.get $v))))
        (local.set $f (i32.add (local.get $f) (i32.const 16)))
        (local.set $u (i32.add (local.get $u) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $rows))))

  ;; out[0..4) = <q, c0>, <q, c1>, <q, c2>, <q, c3>
  (func (export "dots4") (param $n i32) (param $q i32) (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $out i32)
    (local $end i32) (local $x v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $end (i32.add (local.get $q) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x (v128.load (local.get $q)))
        (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $x) (v128.load (local.get $c0)))))
        (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $x) (v128.load (local.get $c1)))))
        (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $x) (v128.load (local.get $c2)))))
        (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $x) (v128.load (local.get $c3)))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $c0 (i32.add (local.get $c0) (i32.const 16)))
        (local.set $c1 (i32.add (local.get $c1) (i32.const 16)))
        (local.set $c2 (i32.add (local.get $c2) (i32.const 16)))
        (local.set $c3 (i32.add (local.get $c3) (i32.const 16)))
        (br $rows)))
    (f64.store offset=0 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (f64.store offset=8 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1))))
    (f64.store offset=16 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $s2)) (f64x2.extract_lane 1 (local.get $s2))))
    (f64.store offset=24 (local.get $out) (f64.add (f64x2.extract_lane 0 (local.get $s3)) (f64x2.extract_lane 1 (local.get $s3)))))

  ;; For a two-stage term over the rows rows[0..n) of a row-major table (row r: 2 d2 doubles at y + r * stride,
  ;; 16-byte aligned): each row's scores u = sum_e cu[e] row[iIdx[e]] (e < nI) and v likewise over mIdx, cv (nM),
  ;; q[k] = u v, and acc[0..2 d2) += q[k] * row, rows in order k = 0 .. n-1. Every sum runs in the order of the scalar
  ;; loops it replaces (u and v entry by entry, acc row by row), so the results are theirs bit for bit. Reading each
  ;; row once for all three matters: the rows of a group lie scattered over a large table.
  (func (export "productSums")
    (param $n i32) (param $rows i32) (param $y i32) (param $stride i32) (param $d2 i32)
    (param $nI i32) (param $iIdx i32) (param $cu i32) (param $nM i32) (param $mIdx i32) (param $cv i32)
    (param $q i32) (param $acc i32)
    (local $k i32) (local $e i32) (local $row i32) (local $src i32) (local $dst i32) (local $end i32)
    (local $u f64) (local $v f64) (local $qk f64) (local $qv v128)
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $d2) (i32.const 4))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $row (i32.add (local.get $y)
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $k) (i32.const 2)))) (local.get $stride))))
        (local.set $u (f64.const 0))
        (local.set $e (i32.const 0))
        (block $uDone
          (loop $uTerms
            (br_if $uDone (i32.ge_u (local.get $e) (local.get $nI)))
            (local.set $u (f64.add (local.get $u)
              (f64.mul (f64.load (i32.add (local.get $cu) (i32.shl (local.get $e) (i32.const 3))))
                (f64.load (i32.add (local.get $row)
                  (i32.shl (i32.load (i32.add (local.get $iIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $uTerms)))
        (local.set $v (f64.const 0))
        (local.set $e (i32.const 0))
        (block $vDone
          (loop $vTerms
            (br_if $vDone (i32.ge_u (local.get $e) (local.get $nM)))
            (local.set $v (f64.add (local.get $v)
              (f64.mul (f64.load (i32.add (local.get $cv) (i32.shl (local.get $e) (i32.const 3))))
                (f64.load (i32.add (local.get $row)
                  (i32.shl (i32.load (i32.add (local.get $mIdx) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 3)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $vTerms)))
        (local.set $qk (f64.mul (local.get $u) (local.get $v)))
        (f64.store (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 3))) (local.get $qk))
        (local.set $qv (f64x2.splat (local.get $qk)))
        (local.set $src (local.get $row))
        (local.set $dst (local.get $acc))
        (block $rowDone
          (loop $entries
            (br_if $rowDone (i32.ge_u (local.get $dst) (local.get $end)))
            (v128.store (local.get $dst)
              (f64x2.add (v128.load (local.get $dst)) (f64x2.mul (local.get $qv) (v128.load (local.get $src)))))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
            (br $entries)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each))))
)
