;; The bootstrap's hot kernel (shared/stats/count-moments.ts): the Gram matrix of small-integer columns weighted by
;; integer counts, G = A' diag(c) A, in exact 32-bit integer arithmetic with 128-bit SIMD.
;;
;; Memory, laid out by the caller (byte offsets, 16-byte aligned):
;;   a: q columns of 16-bit integers, column-major, `stride` apart; rows 0..n-1 of each are summed (n and stride
;;      multiples of 8, q a multiple of 4; padding is zero). A stratum of the rows is a row range: a and c offset.
;;   c: n 16-bit counts
;;   y: scratch of q columns, `stride` apart (y_j = c * a_j)
;;   g: q x q 32-bit integers, row-major; gram() fills every g[i][j] with i < j + 4 (all of the upper triangle)
;; The caller guarantees that nothing overflows: |c * a| < 2^15 and sum(c) * max|a|^2 < 2^31 (count-moments.ts
;; checks both and takes its exact JavaScript loop otherwise).
;;
;; Each pass over the rows takes two columns of a against four of y (6 loads feed 8 products of 8 rows each:
;; i32x4.dot_i16x8_s multiplies 8 pairs and adds them pairwise), keeping the 8 sums in registers.
;; Rebuild the bytes with `node scripts/build-wasm.mjs` (test/unit/shared/stats/count-moments.test.ts checks them).
(module
  (memory (export "memory") 1)

  (func $hsum (param $v v128) (result i32)
    (i32.add
      (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))
      (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))

  (func (export "gram") (param $q i32) (param $n i32) (param $stride i32) (param $a i32) (param $c i32) (param $y i32) (param $g i32)
    (local $cb i32) (local $sb i32) (local $i i32) (local $j i32) (local $r i32)
    (local $pa0 i32) (local $pa1 i32) (local $py0 i32) (local $py1 i32) (local $py2 i32) (local $py3 i32) (local $pg i32)
    (local $a0 v128) (local $a1 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    ;; bytes summed per column, bytes from one column to the next
    (local.set $cb (i32.shl (local.get $n) (i32.const 1)))
    (local.set $sb (i32.shl (local.get $stride) (i32.const 1)))

    ;; y_j = c * a_j
    (local.set $j (i32.const 0))
    (block $ydone
      (loop $ycol
        (br_if $ydone (i32.ge_u (local.get $j) (local.get $q)))
        (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $j) (local.get $sb))))
        (local.set $py0 (i32.add (local.get $y) (i32.mul (local.get $j) (local.get $sb))))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rows
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $cb)))
            (v128.store (i32.add (local.get $py0) (local.get $r))
              (i16x8.mul
                (v128.load (i32.add (local.get $pa0) (local.get $r)))
                (v128.load (i32.add (local.get $c) (local.get $r)))))
            (local.set $r (i32.add (local.get $r) (i32.const 16)))
            (br $rows)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $ycol)))

    ;; g[i][j] = <a_i, y_j> for blocks of 4 columns j and 2 columns i <= the block's last j
    (local.set $j (i32.const 0))
    (block $jdone
      (loop $jblock
        (br_if $jdone (i32.ge_u (local.get $j) (local.get $q)))
        (local.set $py0 (i32.add (local.get $y) (i32.mul (local.get $j) (local.get $sb))))
        (local.set $py1 (i32.add (local.get $py0) (local.get $sb)))
        (local.set $py2 (i32.add (local.get $py1) (local.get $sb)))
        (local.set $py3 (i32.add (local.get $py2) (local.get $sb)))
        (local.set $i (i32.const 0))
        (block $idone
          (loop $iblock
            (br_if $idone (i32.ge_u (local.get $i) (i32.add (local.get $j) (i32.const 4))))
            (local.set $pa0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sb))))
            (local.set $pa1 (i32.add (local.get $pa0) (local.get $sb)))
            (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
            (local.set $s02 (v128.const i32x4 0 0 0 0)) (local.set $s03 (v128.const i32x4 0 0 0 0))
            (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
            (local.set $s12 (v128.const i32x4 0 0 0 0)) (local.set $s13 (v128.const i32x4 0 0 0 0))
            (local.set $r (i32.const 0))
            (block $rdone2
              (loop $rows2
                (br_if $rdone2 (i32.ge_u (local.get $r) (local.get $cb)))
                (local.set $a0 (v128.load (i32.add (local.get $pa0) (local.get $r))))
                (local.set $a1 (v128.load (i32.add (local.get $pa1) (local.get $r))))
                (local.set $s00 (i32x4.add (local.get $s00) (i32x4.dot_i16x8_s (local.get $a0) (v128.load (i32.add (local.get $py0) (local.get $r))))))
                (local.set $s10 (i32x4.add (local.get $s10) (i32x4.dot_i16x8_s (local.get $a1) (v128.load (i32.add (local.get $py0) (local.get $r))))))
                (local.set $s01 (i32x4.add (local.get $s01) (i32x4.dot_i16x8_s (local.get $a0) (v128.load (i32.add (local.get $py1) (local.get $r))))))
                (local.set $s11 (i32x4.add (local.get $s11) (i32x4.dot_i16x8_s (local.get $a1) (v128.load (i32.add (local.get $py1) (local.get $r))))))
                (local.set $s02 (i32x4.add (local.get $s02) (i32x4.dot_i16x8_s (local.get $a0) (v128.load (i32.add (local.get $py2) (local.get $r))))))
                (local.set $s12 (i32x4.add (local.get $s12) (i32x4.dot_i16x8_s (local.get $a1) (v128.load (i32.add (local.get $py2) (local.get $r))))))
                (local.set $s03 (i32x4.add (local.get $s03) (i32x4.dot_i16x8_s (local.get $a0) (v128.load (i32.add (local.get $py3) (local.get $r))))))
                (local.set $s13 (i32x4.add (local.get $s13) (i32x4.dot_i16x8_s (local.get $a1) (v128.load (i32.add (local.get $py3) (local.get $r))))))
                (local.set $r (i32.add (local.get $r) (i32.const 16)))
                (br $rows2)))
            ;; row i at g + 4 (i q + j), row i + 1 one row (4 q bytes) further
            (local.set $pg (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $q)) (local.get $j)) (i32.const 2))))
            (i32.store offset=0 (local.get $pg) (call $hsum (local.get $s00)))
            (i32.store offset=4 (local.get $pg) (call $hsum (local.get $s01)))
            (i32.store offset=8 (local.get $pg) (call $hsum (local.get $s02)))
            (i32.store offset=12 (local.get $pg) (call $hsum (local.get $s03)))
            (local.set $pg (i32.add (local.get $pg) (i32.shl (local.get $q) (i32.const 2))))
            (i32.store offset=0 (local.get $pg) (call $hsum (local.get $s10)))
            (i32.store offset=4 (local.get $pg) (call $hsum (local.get $s11)))
            (i32.store offset=8 (local.get $pg) (call $hsum (local.get $s12)))
            (i32.store offset=12 (local.get $pg) (call $hsum (local.get $s13)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $iblock)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jblock))))
)
