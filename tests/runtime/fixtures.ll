; Hand-written BPF programs for the runtime tests, in the shape the codegen
; emits: one section per program, maps referenced as llvm.bpf.pseudo(1, id).
; Map ids used here (see the test's map table):
;   0  per-CPU hash  u64 cookie -> u64 hits
;   1  hash          u32 0 -> u64 tgid to trace
;   2  ring buffer   events
; Async ids: 0 = printf("value %d\n", u64), 1 = exit().
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf"

declare i64 @llvm.bpf.pseudo(i64, i64)

; Returns true when the current task belongs to the traced process (map 1).
define internal i1 @is_traced_process() alwaysinline {
  %key = alloca i32, align 4
  store i32 0, i32* %key
  %m = call i64 @llvm.bpf.pseudo(i64 1, i64 1)
  %mp = inttoptr i64 %m to i8*
  %kp = bitcast i32* %key to i8*
  %v = call i8* inttoptr (i64 1 to i8* (i8*, i8*)*)(i8* %mp, i8* %kp)
  %isnull = icmp eq i8* %v, null
  br i1 %isnull, label %no, label %check
check:
  %vp = bitcast i8* %v to i64*
  %want = load i64, i64* %vp
  %pidtgid = call i64 inttoptr (i64 14 to i64 ()*)()
  %tgid = lshr i64 %pidtgid, 32
  %same = icmp eq i64 %tgid, %want
  ret i1 %same
no:
  ret i1 false
}

; @[cookie] = count() for the traced process.
define internal void @count_cookie(i8* %ctx) alwaysinline {
  %key = alloca i64, align 8
  %one = alloca i64, align 8
  %cookie = call i64 inttoptr (i64 174 to i64 (i8*)*)(i8* %ctx)
  store i64 %cookie, i64* %key
  %m = call i64 @llvm.bpf.pseudo(i64 1, i64 0)
  %mp = inttoptr i64 %m to i8*
  %kp = bitcast i64* %key to i8*
  %v = call i8* inttoptr (i64 1 to i8* (i8*, i8*)*)(i8* %mp, i8* %kp)
  %isnull = icmp eq i8* %v, null
  br i1 %isnull, label %insert, label %inc
inc:
  %vp = bitcast i8* %v to i64*
  %old = load i64, i64* %vp
  %new = add i64 %old, 1
  store i64 %new, i64* %vp
  ret void
insert:
  store i64 1, i64* %one
  %op = bitcast i64* %one to i8*
  %r = call i64 inttoptr (i64 2 to i64 (i8*, i8*, i8*, i64)*)(i8* %mp, i8* %kp, i8* %op, i64 0)
  ret void
}

; Sends {async id, value} (value ignored by exit) through the ring buffer.
define internal void @send(i64 %id, i64 %value) alwaysinline {
  %rec = alloca [2 x i64], align 8
  %p0 = getelementptr [2 x i64], [2 x i64]* %rec, i64 0, i64 0
  %p1 = getelementptr [2 x i64], [2 x i64]* %rec, i64 0, i64 1
  store i64 %id, i64* %p0
  store i64 %value, i64* %p1
  %m = call i64 @llvm.bpf.pseudo(i64 1, i64 2)
  %mp = inttoptr i64 %m to i8*
  %rp = bitcast [2 x i64]* %rec to i8*
  %r = call i64 inttoptr (i64 130 to i64 (i8*, i8*, i64, i64)*)(i8* %mp, i8* %rp, i64 16, i64 0)
  ret void
}

; Tracepoint: count hits per cookie for the traced process.
define i32 @prog_tp_count(i8* %ctx) section "tp_count" {
  %traced = call i1 @is_traced_process()
  br i1 %traced, label %yes, label %done
yes:
  call void @count_cookie(i8* %ctx)
  br label %done
done:
  ret i32 0
}

; Tracepoint: for the traced process, count, printf("value %d\n", cookie), exit().
define i32 @prog_tp_print_exit(i8* %ctx) section "tp_print_exit" {
  %traced = call i1 @is_traced_process()
  br i1 %traced, label %yes, label %done
yes:
  call void @count_cookie(i8* %ctx)
  %cookie = call i64 inttoptr (i64 174 to i64 (i8*)*)(i8* %ctx)
  call void @send(i64 0, i64 %cookie)
  call void @send(i64 1, i64 0)
  br label %done
done:
  ret i32 0
}

; Interval (perf event): printf("value %d\n", cookie + 1000), exit().
define i32 @prog_interval_print_exit(i8* %ctx) section "interval_print_exit" {
  %cookie = call i64 inttoptr (i64 174 to i64 (i8*)*)(i8* %ctx)
  %v = add i64 %cookie, 1000
  call void @send(i64 0, i64 %v)
  call void @send(i64 1, i64 0)
  ret i32 0
}

; BEGIN: printf 42, exit, then printf 43 which must never be printed.
define i32 @prog_begin(i8* %ctx) section "begin" {
  call void @send(i64 0, i64 42)
  call void @send(i64 1, i64 0)
  call void @send(i64 0, i64 43)
  ret i32 0
}

; BEGIN that records this process as the traced one (map 1) and prints 41;
; tracing continues until something else exits.
define i32 @prog_begin_set_pid(i8* %ctx) section "begin_set_pid" {
  %key = alloca i32, align 4
  %val = alloca i64, align 8
  store i32 0, i32* %key
  %pidtgid = call i64 inttoptr (i64 14 to i64 ()*)()
  %tgid = lshr i64 %pidtgid, 32
  store i64 %tgid, i64* %val
  %m = call i64 @llvm.bpf.pseudo(i64 1, i64 1)
  %mp = inttoptr i64 %m to i8*
  %kp = bitcast i32* %key to i8*
  %vp = bitcast i64* %val to i8*
  %r = call i64 inttoptr (i64 2 to i64 (i8*, i8*, i8*, i64)*)(i8* %mp, i8* %kp, i8* %vp, i64 0)
  call void @send(i64 0, i64 41)
  ret i32 0
}

; END: printf 7, exit, printf 8 (never printed).
define i32 @prog_end(i8* %ctx) section "end" {
  call void @send(i64 0, i64 7)
  call void @send(i64 1, i64 0)
  call void @send(i64 0, i64 8)
  ret i32 0
}

; A program the verifier must refuse: the lookup result is used unchecked.
define i32 @prog_bad_deref(i8* %ctx) section "bad_deref" {
  %key = alloca i64, align 8
  store i64 0, i64* %key
  %m = call i64 @llvm.bpf.pseudo(i64 1, i64 0)
  %mp = inttoptr i64 %m to i8*
  %kp = bitcast i64* %key to i8*
  %v = call i8* inttoptr (i64 1 to i8* (i8*, i8*)*)(i8* %mp, i8* %kp)
  %vp = bitcast i8* %v to i64*
  %x = load volatile i64, i64* %vp
  %t = trunc i64 %x to i32
  ret i32 %t
}

; kprobe: does nothing; loads here, cannot attach here.
define i32 @prog_kprobe_noop(i8* %ctx) section "kprobe_noop" {
  ret i32 0
}

; Tracepoint that runs until it is killed: counts only.
define i32 @prog_killtest(i8* %ctx) section "sobt_killtest" {
  call void @count_cookie(i8* %ctx)
  ret i32 0
}

@_license = global [4 x i8] c"GPL\00", section "license"
